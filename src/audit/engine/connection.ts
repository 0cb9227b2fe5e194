import type { Duplex } from "node:stream";
import type { EngineEndpoint } from "./endpoint.js";
import { EngineError } from "./errors.js";

/** How to reach the engine at an endpoint's URL: a socket path, a TCP host and port, or a command's pipes. */
export interface Connection {
  target: { socketPath: string } | { host: string; port: number } | Record<string, never>;
  /** The Host header: the docker CLI sends "api.moby.localhost" for sockets (any name works). */
  hostHeader: string;
  tls: boolean;
  createConnection?: () => Duplex;
  close?: () => void;
}

/** The URL schemes the docker CLI accepts (moby client.ParseHostURL), each mapped to how Node connects. */
export function connectionOf(endpoint: EngineEndpoint): Connection {
  const { url } = endpoint;
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  const rest = scheme ? url.slice(scheme.length + 3) : "";
  const socketHost = "api.moby.localhost";
  switch (scheme) {
    case "unix":
      if (!rest) throw new EngineError(url, "no socket path after unix://");
      return { target: { socketPath: rest }, hostHeader: socketHost, tls: false };
    case "npipe":
      // npipe:////./pipe/docker_engine is the pipe \\.\pipe\docker_engine, which Node opens as a socket path.
      return {
        target: { socketPath: rest.replace(/\//g, "\\").replace(/^\\*/, "\\\\") },
        hostHeader: socketHost,
        tls: false,
      };
    case "tcp":
    case "http":
    case "https":
      return tcpConnection(url, rest, endpoint.tls !== undefined || scheme === "https");
    case "ssh":
      // The docker CLI runs `ssh HOST docker system dial-stdio`; stackmod starts no process
      // (test/shell-safety.test.ts).
      throw new EngineError(
        url,
        "ssh:// is not supported (stackmod starts no other program); forward the engine's socket instead: " +
          "`ssh -NL /tmp/engine.sock:/var/run/docker.sock HOST`, then --host unix:///tmp/engine.sock",
      );
    default:
      throw new EngineError(url, "not an engine address: expected unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST");
  }
}

function tcpConnection(url: string, rest: string, tls: boolean): Connection {
  const authority = rest.split("/")[0] ?? "";
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(authority);
  if (!match) throw new EngineError(url, "expected tcp://HOST:PORT");
  const host = match[1]!.replace(/^\[|\]$/g, "");
  const port = match[2] ? Number(match[2]) : tls ? 2376 : 2375;
  if (port < 1 || port > 65535) throw new EngineError(url, `port ${port} is out of range`);
  return { target: { host, port }, hostHeader: authority, tls };
}
