// An engine that cannot be read: exit 2 and one line on standard error naming the URL and why, from the built
// CLI as a user runs it (never a stack trace). Real sockets: a path with nothing, a socket whose listener was
// killed, a closed TCP port, a listener that hangs up without answering.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../helpers/free-port.js";
import { testUrl } from "../helpers/paths.js";

const bin = new URL("../bin/stackmod.js", testUrl).pathname;
const dir = mkdtempSync(join(tmpdir(), "stackmod-unreachable-"));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI in a child process, waited for without blocking this one (the listeners below run here). */
function audit(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [bin, "audit", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: dir, DOCKER_CONFIG: dir, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Exactly one line, starting with the prefix, and nothing on standard output. */
function expectOneLine(r: Run, start: string) {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.endsWith("\n")).toBe(true);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr.slice(0, start.length)).toBe(start);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("an engine that cannot be read", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((s) => s.close()));

  it("a socket path with nothing there", async () => {
    const r = await audit(["--host", `unix://${dir}/none.sock`]);
    expectOneLine(
      r,
      `stackmod audit: unix://${dir}/none.sock: GET /version: connect ENOENT ${dir}/none.sock: no such socket`,
    );
  });

  it("a closed socket: its listener was killed and left the socket file behind", async () => {
    const path = join(dir, "closed.sock");
    const socat = spawn("socat", [`UNIX-LISTEN:${path}`, "-"], { stdio: "ignore" });
    for (let waited = 0; !existsSync(path) && waited < 10_000; waited += 20)
      await new Promise((r) => setTimeout(r, 20));
    socat.kill("SIGKILL");
    await new Promise((resolve) => socat.once("exit", resolve));
    expect(existsSync(path)).toBe(true);
    const r = await audit([], { DOCKER_HOST: `unix://${path}` });
    expectOneLine(r, `stackmod audit: unix://${path}: GET /version: connect ECONNREFUSED ${path}: connection refused`);
  });

  it("a TCP port nobody listens on", async () => {
    const port = await freePort();
    expectOneLine(
      await audit(["--host", `tcp://127.0.0.1:${port}`]),
      `stackmod audit: tcp://127.0.0.1:${port}: GET /version: connect ECONNREFUSED 127.0.0.1:${port}: connection ` +
        `refused`,
    );
  });

  it("a listener that hangs up without an answer", async () => {
    const path = join(dir, "hangup.sock");
    const server = createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const r = await audit(["--host", `unix://${path}`]);
    expectOneLine(r, `stackmod audit: unix://${path}: GET /version: `);
    expect(r.stderr).toMatch(/: the connection was closed before the engine answered\n$/);
  });

  it("an address it cannot use, a context that does not exist, a bad --engine", async () => {
    expectOneLine(
      await audit(["--host", "ssh://admin@manager"]),
      "stackmod audit: ssh://admin@manager: ssh:// is not supported",
    );
    expectOneLine(await audit(["--host", "gopher://x"]), "stackmod audit: gopher://x: not an engine address");
    expectOneLine(await audit(["--context", "prod"]), 'stackmod audit: context "prod": context not found');
    expectOneLine(await audit(["--engine", "next"]), 'stackmod audit: --engine: "next" is not an engine version');
  });
});
