// Which engine `stackmod audit` asks, against the docker CLI itself as the oracle: contexts made with
// `docker context create`, and `docker context inspect` (the current context, under the same flags and
// environment) saying which host the CLI would use.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveEndpoint, type EndpointFlags } from "../../src/audit/engine/endpoint.js";
import { EngineError } from "../../src/audit/engine/errors.js";

const config = mkdtempSync(join(tmpdir(), "stackmod-docker-config-"));
const certs = mkdtempSync(join(tmpdir(), "stackmod-certs-"));
const base = { DOCKER_CONFIG: config, PATH: process.env.PATH ?? "", HOME: config };

function docker(args: string[], env: Record<string, string> = {}) {
  return spawnSync("docker", args, { env: { ...base, ...env }, encoding: "utf8" });
}

/** What the docker CLI resolves under these flags and environment: the host, or its error. */
function oracle(flags: EndpointFlags, env: Record<string, string>): string {
  const args = [
    ...(flags.host ? ["--host", flags.host] : []),
    ...(flags.context ? ["--context", flags.context] : []),
    "context",
    "inspect",
    "--format",
    "{{.Endpoints.docker.Host}}",
  ];
  const r = docker(args, env);
  return r.status === 0 ? r.stdout.trim() : `error: ${r.stderr.trim()}`;
}

function ours(flags: EndpointFlags, env: Record<string, string>): string {
  try {
    return resolveEndpoint(flags, { ...base, ...env }).url;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    return `error: ${error.message}`;
  }
}

const hasDocker = spawnSync("docker", ["--version"]).status === 0;

describe.skipIf(!hasDocker)("the engine endpoint, as the docker CLI resolves it", () => {
  beforeAll(() => {
    // docker context create checks the PEM files: a self-signed certificate, its own CA.
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=stackmod-test", "-days", "1"].concat([
        "-keyout",
        join(certs, "key.pem"),
        "-out",
        join(certs, "cert.pem"),
      ]),
      { stdio: "ignore" },
    );
    copyFileSync(join(certs, "cert.pem"), join(certs, "ca.pem"));
    docker(["context", "create", "prod", "--docker", "host=tcp://10.1.2.3:2375"]);
    docker(["context", "create", "dev", "--docker", "host=unix:///tmp/dev.sock"]);
    docker([
      "context",
      "create",
      "secure",
      "--docker",
      `host=tcp://10.1.2.4:2376,ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`,
    ]);
  });

  const cases: [string, EndpointFlags, Record<string, string>][] = [
    ["nothing set: the default socket", {}, {}],
    ["DOCKER_HOST", {}, { DOCKER_HOST: "tcp://10.9.9.9:2375" }],
    ["DOCKER_CONTEXT", {}, { DOCKER_CONTEXT: "prod" }],
    ["DOCKER_HOST wins over DOCKER_CONTEXT", {}, { DOCKER_CONTEXT: "prod", DOCKER_HOST: "unix:///run/x.sock" }],
    ["--context wins over DOCKER_HOST", { context: "dev" }, { DOCKER_HOST: "unix:///run/x.sock" }],
    ["--host wins over DOCKER_CONTEXT", { host: "unix:///run/y.sock" }, { DOCKER_CONTEXT: "prod" }],
    ["--context default is DOCKER_HOST", { context: "default" }, { DOCKER_HOST: "tcp://10.9.9.9:2375" }],
  ];

  it.each(cases)("%s", (_what, flags, env) => {
    expect(ours(flags, env)).toBe(oracle(flags, env));
  });

  it("config.json's currentContext, below DOCKER_CONTEXT and DOCKER_HOST", () => {
    docker(["context", "use", "dev"]);
    const envs: Record<string, string>[] = [{}, { DOCKER_CONTEXT: "prod" }, { DOCKER_HOST: "tcp://10.9.9.9:2375" }];
    for (const env of envs) expect(ours({}, env)).toBe(oracle({}, env));
    expect(ours({}, {})).toBe("unix:///tmp/dev.sock");
    docker(["context", "use", "default"]);
  });

  it("refuses what the CLI refuses: --host with --context, a context that does not exist", () => {
    const both = { host: "unix:///a.sock", context: "prod" };
    expect(oracle(both, {})).toContain("conflicting options: cannot specify both --host and --context");
    expect(ours(both, {})).toBe("error: conflicting options: cannot specify both --host and --context");
    expect(oracle({}, { DOCKER_CONTEXT: "nope" })).toMatch(/context "nope": context not found/);
    expect(ours({}, { DOCKER_CONTEXT: "nope" })).toMatch(
      /^error: context not found \(no .*\/contexts\/meta\/[0-9a-f]{64}\/meta\.json\)/,
    );
  });

  it("a context's TLS files, where docker context create stored them", () => {
    const endpoint = resolveEndpoint({ context: "secure" }, base);
    expect(endpoint.url).toBe(oracle({ context: "secure" }, {}));
    const stored = execFileSync("find", [join(config, "contexts", "tls"), "-name", "*.pem"], { encoding: "utf8" });
    expect(stored.trim().split("\n").sort()).toEqual([endpoint.tls!.ca, endpoint.tls!.cert, endpoint.tls!.key].sort());
    expect(endpoint.tls!.verify).toBe(true);
    expect(endpoint.from).toBe('context "secure"');
  });

  it("DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, or the config folder", () => {
    expect(
      resolveEndpoint({}, { ...base, DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: certs })
        .tls,
    ).toEqual({
      ca: join(certs, "ca.pem"),
      cert: join(certs, "cert.pem"),
      key: join(certs, "key.pem"),
      verify: true,
    });
    expect(resolveEndpoint({}, { ...base, DOCKER_HOST: "tcp://h:2376", DOCKER_TLS_VERIFY: "1" }).tls?.ca).toBe(
      join(config, "ca.pem"),
    );
    expect(resolveEndpoint({}, { ...base, DOCKER_HOST: "tcp://h:2375" }).tls).toBeUndefined();
  });
});
