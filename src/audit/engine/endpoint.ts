import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Environment } from "../../model/interpolate.js";
import { EngineError } from "./errors.js";

/** Which engine to ask, and what said so. */
export interface EngineEndpoint {
  /** As configured: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host, npipe:// ... */
  url: string;
  /** `--host`, `DOCKER_HOST`, `context "prod"`, or `the default socket`. */
  from: string;
  /** Files for a TLS connection (tcp:// only), from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH or the context's TLS data. */
  tls?: { ca?: string; cert?: string; key?: string; verify: boolean };
}

export interface EndpointFlags {
  host?: string;
  context?: string;
}

const defaultHost = "unix:///var/run/docker.sock";
const defaultContext = "default";

/**
 * The engine the docker CLI would talk to, chosen the way docker/cli v28.2.2 does (cli/command/cli.go,
 * resolveContextName and resolveDefaultDockerEndpoint): `--context`, else `--host` (the default context),
 * else DOCKER_HOST (the default context), else DOCKER_CONTEXT, else `currentContext` in config.json, else the
 * default context. Contexts live in $DOCKER_CONFIG (default ~/.docker) under
 * contexts/meta/<sha256 of the name>/meta.json, their TLS files under contexts/tls/<same>/docker/.
 */
export function resolveEndpoint(flags: EndpointFlags, env: Environment): EngineEndpoint {
  if (flags.host && flags.context)
    throw new EngineError("<command line>", "conflicting options: cannot specify both --host and --context");
  const configDir = env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker");
  const name = contextName(flags, env, configDir);
  if (name === defaultContext) return defaultEndpoint(flags, env, configDir);
  return contextEndpoint(name, configDir);
}

function contextName(flags: EndpointFlags, env: Environment, configDir: string): string {
  if (flags.context) return flags.context;
  if (flags.host || env.DOCKER_HOST) return defaultContext;
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT;
  const configFile = join(configDir, "config.json");
  if (!existsSync(configFile)) return defaultContext;
  const config = readJson(configFile) as { currentContext?: unknown };
  return typeof config.currentContext === "string" && config.currentContext ? config.currentContext : defaultContext;
}

function defaultEndpoint(flags: EndpointFlags, env: Environment, configDir: string): EngineEndpoint {
  const [url, from] = flags.host
    ? [flags.host, "--host"]
    : env.DOCKER_HOST
      ? [env.DOCKER_HOST, "DOCKER_HOST"]
      : [defaultHost, "the default socket"];
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return { url, from };
  // The docker CLI's --tlsverify default: DOCKER_TLS_VERIFY set to anything non-empty.
  const certs = env.DOCKER_CERT_PATH || configDir;
  return {
    url,
    from,
    tls: { ca: join(certs, "ca.pem"), cert: join(certs, "cert.pem"), key: join(certs, "key.pem"), verify },
  };
}

function contextEndpoint(name: string, configDir: string): EngineEndpoint {
  const digest = createHash("sha256").update(name).digest("hex");
  const metaFile = join(configDir, "contexts", "meta", digest, "meta.json");
  if (!existsSync(metaFile))
    throw new EngineError(`context "${name}"`, `context not found (no ${metaFile}); see \`docker context ls\``);
  const meta = readJson(metaFile) as { Endpoints?: { docker?: { Host?: unknown; SkipTLSVerify?: unknown } } };
  const docker = meta.Endpoints?.docker;
  if (typeof docker?.Host !== "string" || docker.Host === "")
    throw new EngineError(metaFile, `context "${name}" has no docker endpoint (Endpoints.docker.Host)`);
  const tlsDir = join(configDir, "contexts", "tls", digest, "docker");
  const file = (base: string) => (existsSync(join(tlsDir, base)) ? join(tlsDir, base) : undefined);
  const [ca, cert, key] = [file("ca.pem"), file("cert.pem"), file("key.pem")];
  const skip = docker.SkipTLSVerify === true;
  const endpoint: EngineEndpoint = { url: docker.Host, from: `context "${name}"` };
  if (ca || cert || key || skip) endpoint.tls = { ca, cert, key, verify: !skip };
  return endpoint;
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new EngineError(file, `cannot read it (${(error as Error).message})`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object") return value;
  } catch (error) {
    throw new EngineError(file, `not valid JSON (${(error as Error).message})`);
  }
  throw new EngineError(file, "not a JSON object");
}
