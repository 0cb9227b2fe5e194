import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewrite } from "../../../src/index.js";
import { interpolate } from "../../../src/model/interpolate.js";
import { freePort } from "../../helpers/free-port.js";
import { testUrl } from "../../helpers/paths.js";

/**
 * The proxy's command, taken from the rewritten YAML, run with Debian's real socat
 * on loopback: TCP and UDP payloads go through it to a listener and come back.
 */
const running: ChildProcess[] = [];
const servers: { close(): void }[] = [];

afterEach(() => {
  for (const child of running.splice(0)) if (child.pid) process.kill(-child.pid, "SIGKILL");
  for (const server of servers.splice(0)) server.close();
});

function proxyScript(output: string, proxyName: string): string {
  const service = (parse(output) as { services: Record<string, { entrypoint: string[]; command: string[] }> }).services[
    proxyName
  ]!;
  expect(service.entrypoint).toEqual(["/bin/sh", "-c"]);
  // What docker does to the value before the container sees it: `$$` is a literal `$`.
  return interpolate(service.command[0]!, {});
}

function startScript(script: string): void {
  const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  running.push(child);
}

async function tcpEcho(port: number): Promise<void> {
  const server: Server = createServer((socket) =>
    socket.on("data", (data) => socket.end(Buffer.concat([Buffer.from("echo:"), data]))),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
}

async function udpEcho(port: number): Promise<void> {
  const socket = createSocket("udp4");
  socket.on("message", (message, peer) =>
    socket.send(Buffer.concat([Buffer.from("echo:"), message]), peer.port, peer.address),
  );
  servers.push({ close: () => socket.close() });
  await new Promise<void>((resolve) => socket.bind(port, "127.0.0.1", resolve));
}

/** Retries while socat is still starting. */
async function untilAnswered(attempt: () => Promise<string>): Promise<string> {
  let lastError: unknown;
  for (let i = 0; i < 50; i += 1) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw lastError;
}

function tcpRequest(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(payload));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString()));
    socket.on("error", reject);
  });
}

function udpRequest(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error("no UDP reply"));
    }, 300);
    socket.on("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message.toString());
    });
    socket.send(payload, port, "127.0.0.1");
  });
}

const bacnet = readFileSync(new URL("../examples/bacnet-stack.yml", testUrl), "utf8");

describe("the generated proxy, run with real socat", () => {
  it("inbound: forwards UDP and TCP from the host port to 127.0.0.1:<published>", async () => {
    const udp = await freePort();
    const tcp = await freePort();
    const source = bacnet.replace('ports: ["47808/udp"]', `ports: ["${udp}/udp", ${tcp}]`);
    const result = rewrite(source, { options: { strategy: "proxy" } });
    const script = proxyScript(result.output, "bacnet-proxy");
    await udpEcho(udp + 10000);
    await tcpEcho(tcp + 10000);
    startScript(script);
    expect(await untilAnswered(() => udpRequest(udp, "whois"))).toBe("echo:whois");
    expect(await untilAnswered(() => tcpRequest(tcp, "read-coils"))).toBe("echo:read-coils");
  });

  it("outbound: finds its default gateway at run time and forwards TCP and UDP to it", async () => {
    const tcp = await freePort();
    const udp = await freePort();
    const source = readFileSync(new URL("../examples/homeassistant-stack.yml", testUrl), "utf8");
    const result = rewrite(source, { options: { ports: [tcp, `${udp}/udp`] } });
    const script = proxyScript(result.output, "homeassistant-proxy");
    expect(
      script.startsWith(
        `trap 'exit 0' TERM INT; GW=$(ip route | awk '/^default/ {print $3; exit}'); [ -n "$GW" ] || exit 1; `,
      ),
    ).toBe(true);
    // This machine's default gateway is not ours to serve; stand in for `ip route` with loopback.
    const onLoopback = script.replace("GW=$(ip route | awk '/^default/ {print $3; exit}')", "GW=127.0.0.1");
    await tcpEcho(tcp);
    await udpEcho(udp);
    const listenTcp = await freePort();
    const listenUdp = await freePort();
    startScript(
      onLoopback
        .replace(`TCP4-LISTEN:${tcp},`, `TCP4-LISTEN:${listenTcp},`)
        .replace(`UDP4-LISTEN:${udp},`, `UDP4-LISTEN:${listenUdp},`),
    );
    expect(await untilAnswered(() => tcpRequest(listenTcp, "GET /"))).toBe("echo:GET /");
    expect(await untilAnswered(() => udpRequest(listenUdp, "ping"))).toBe("echo:ping");
  });

  it("stops at once on SIGTERM (the script runs as PID 1 in the container)", async () => {
    const port = await freePort();
    const source = readFileSync(new URL("../examples/homeassistant-stack.yml", testUrl), "utf8");
    const script = proxyScript(
      rewrite(source, { options: { ports: [port], proxy: { hostAddress: "127.0.0.1" } } }).output,
      "homeassistant-proxy",
    );
    const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
    running.push(child);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await untilAnswered(
      () =>
        new Promise<string>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.destroy();
            resolve("listening");
          });
          socket.on("error", reject);
        }),
    );
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });

  for (const taken of ["udp", "tcp"] as const) {
    it(`a forwarder that cannot bind its port (${taken} taken) makes the proxy exit 1, naming it`, async () => {
      const udp = await freePort();
      const tcp = await freePort();
      const source = bacnet.replace('ports: ["47808/udp"]', `ports: ["${udp}/udp", ${tcp}]`);
      const script = proxyScript(rewrite(source, { options: { strategy: "proxy" } }).output, "bacnet-proxy");
      // Someone else holds the port already, as the service's own port or another proxy would.
      if (taken === "udp") {
        const holder = createSocket("udp4");
        servers.push({ close: () => holder.close() });
        await new Promise<void>((resolve) => holder.bind(udp, "0.0.0.0", resolve));
      } else {
        const holder = createServer();
        servers.push(holder);
        await new Promise<void>((resolve) => holder.listen(tcp, "0.0.0.0", resolve));
      }
      const child = spawn("/bin/sh", ["-c", script], { detached: true, stdio: ["ignore", "ignore", "pipe"] });
      running.push(child);
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
      expect(code).toBe(1);
      const port = taken === "udp" ? udp : tcp;
      expect(stderr).toContain("Address already in use");
      expect(stderr).toContain(`stackmod proxy: the forwarder of ${port}/${taken} stopped (exit 1)`);
    });
  }

  it("outbound: forwards overlay traffic to a given host address", async () => {
    const port = await freePort();
    const source = readFileSync(new URL("../examples/homeassistant-stack.yml", testUrl), "utf8");
    const result = rewrite(source, { options: { ports: [port], proxy: { hostAddress: "127.0.0.2" } } });
    const script = proxyScript(result.output, "homeassistant-proxy");
    expect(script).toContain(`TCP4:127.0.0.2:${port}`);
    const server: Server = createServer((socket) => socket.on("data", (d) => socket.end(`host:${d}`)));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.2", resolve));
    const listen = await freePort();
    startScript(script.replace(`TCP4-LISTEN:${port},`, `TCP4-LISTEN:${listen},`));
    expect(await untilAnswered(() => tcpRequest(listen, "GET /"))).toBe("host:GET /");
  });
});
