import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { connectionOf, type Connection } from "./connection.js";
import type { EngineEndpoint } from "./endpoint.js";
import { EngineError } from "./errors.js";

/** The newest Engine API this client was written against (Engine 29); an older engine is asked in its own. */
const clientApiVersion = "1.52";
const timeoutMs = 30_000;
const maxBody = 256 * 1024 * 1024;

export interface EngineVersionInfo {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
}

/**
 * A read-only Engine API client: `get` is the only request it can make. After `negotiate()`, every path is
 * asked under `/v<version>`: DOCKER_API_VERSION when set (as the docker CLI, no negotiation), else the lower
 * of the engine's API version (from `/version`, which every engine answers unversioned) and this client's.
 */
export class EngineClient {
  private prefix = "";
  private readonly connection: Connection;
  private readonly agent: http.Agent;
  /** Every request made, `GET /v1.41/services` and so on, for `--verbose`. */
  readonly requests: string[] = [];
  apiVersion = "";

  constructor(
    readonly endpoint: EngineEndpoint,
    private readonly pinnedApiVersion?: string,
  ) {
    this.connection = connectionOf(endpoint);
    const options = { keepAlive: true, maxSockets: 1 };
    this.agent = this.connection.tls
      ? new https.Agent({ ...options, ...tlsOptions(endpoint) })
      : new http.Agent(options);
    if (this.connection.createConnection) {
      const create = this.connection.createConnection;
      (this.agent as unknown as { createConnection: typeof create }).createConnection = create;
    }
  }

  async negotiate(): Promise<EngineVersionInfo> {
    const version = await this.get<EngineVersionInfo>("/version");
    if (typeof version?.ApiVersion !== "string" || typeof version.Version !== "string")
      throw new EngineError(this.endpoint.url, "GET /version: the answer has no Version and ApiVersion");
    const pinned = this.pinnedApiVersion;
    if (pinned !== undefined && !/^\d+\.\d+$/.test(pinned))
      throw new EngineError("DOCKER_API_VERSION", `"${pinned}" is not an API version such as 1.41`);
    this.apiVersion = pinned ?? lowerApiVersion(version.ApiVersion, clientApiVersion);
    this.prefix = `/v${this.apiVersion}`;
    return version;
  }

  /** GET `path` (under the negotiated version) and parse the JSON answer; an error answer becomes an EngineError. */
  get<T>(path: string): Promise<T> {
    const fullPath = this.prefix + path;
    this.requests.push(`GET ${fullPath}`);
    return new Promise<T>((resolve, reject) => {
      const fail = (message: string) => reject(new EngineError(this.endpoint.url, `GET ${fullPath}: ${message}`));
      const request = (this.connection.tls ? https : http).request(
        {
          method: "GET",
          agent: this.agent,
          path: fullPath,
          headers: { Host: this.connection.hostHeader, Accept: "application/json" },
          ...this.connection.target,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBody) {
              request.destroy();
              fail(`the answer is larger than ${maxBody / 1024 / 1024} MiB`);
            } else chunks.push(chunk);
          });
          response.on("error", (error) => fail(describeSocketError(error)));
          response.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 299) return fail(`HTTP ${status}: ${engineMessage(body)}`);
            try {
              resolve(JSON.parse(body) as T);
            } catch {
              fail(`the answer is not JSON: ${oneLine(body).slice(0, 120)}`);
            }
          });
        },
      );
      const timer = setTimeout(() => {
        request.destroy();
        fail(`no answer in ${timeoutMs / 1000} s`);
      }, timeoutMs);
      request.on("close", () => clearTimeout(timer));
      request.on("error", (error) => fail(describeSocketError(error)));
      request.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.connection.close?.();
  }
}

/** The lower of two API versions ("1.41" < "1.52"). */
function lowerApiVersion(a: string, b: string): string {
  const [am = 0, an = 0] = a.split(".").map(Number);
  const [bm = 0, bn = 0] = b.split(".").map(Number);
  return am < bm || (am === bm && an <= bn) ? a : b;
}

function tlsOptions(endpoint: EngineEndpoint): https.AgentOptions {
  const tls = endpoint.tls!;
  const read = (file: string | undefined, what: string) => {
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (error) {
      throw new EngineError(endpoint.url, `cannot read the TLS ${what} ${file} (${(error as Error).message})`);
    }
  };
  return {
    ca: read(tls.ca, "CA"),
    cert: read(tls.cert, "certificate"),
    key: read(tls.key, "key"),
    rejectUnauthorized: tls.verify,
  };
}

/** The engine's own words: its errors are `{"message": "..."}`. */
function engineMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === "string") return oneLine(parsed.message);
  } catch {
    /* not JSON: the text itself */
  }
  return oneLine(body).slice(0, 200) || "(no message)";
}

function describeSocketError(error: Error): string {
  const { code } = error as NodeJS.ErrnoException;
  const hints: Record<string, string> = {
    ENOENT: "no such socket (is the engine running, and is this its address?)",
    ECONNREFUSED: "connection refused (is the engine running, and listening there?)",
    EACCES: "permission denied (run as a member of the docker group, or as root)",
    ECONNRESET: "the connection was closed before the engine answered",
    EPIPE: "the connection was closed before the engine answered",
    ENOTFOUND: "unknown host name",
    ETIMEDOUT: "the connection timed out",
    EHOSTUNREACH: "no route to the host",
  };
  const hint = code ? hints[code] : undefined;
  return hint ? `${oneLine(error.message)}: ${hint}` : oneLine(error.message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
