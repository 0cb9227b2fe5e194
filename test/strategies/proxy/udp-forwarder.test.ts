import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewrite } from "../../../src/index.js";
import { interpolate } from "../../../src/model/interpolate.js";
import { udpMaxPeers } from "../../../src/strategies/proxy/socat.js";
import { freePort } from "../../helpers/free-port.js";
import { testUrl } from "../../helpers/paths.js";

/**
 * The proxy's UDP forwarder under load, with Debian's real socat on loopback: many
 * datagrams from several clients through the script the rewrite writes, to an echo
 * service at the published port. Measured: the processes the forwarder runs (at most
 * one per client, not one per datagram) and where every reply went. Each client sends a
 * fixed number of datagrams and the wait for replies is bounded, so every case ends.
 */
const running: ChildProcess[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.pid) process.kill(-child.pid, "SIGKILL");
  for (const socket of sockets.splice(0)) socket.close();
});

const bacnet = readFileSync(new URL("../examples/bacnet-stack.yml", testUrl), "utf8");

/** The processes below `pid` (the shell): its forwarder subshell, socat and socat's children. */
function descendants(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // gone meanwhile
    }
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  let count = 0;
  const stack = [pid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop()!) ?? []) {
      count += 1;
      stack.push(child);
    }
  }
  return count;
}

interface Load {
  clients: number;
  perClient: number;
  /** Between one client's first datagram and the next one's. */
  staggerMs: number;
}

interface Measured {
  sent: number;
  /** Replies that came back to the client that sent the datagram. */
  answered: number;
  /** Replies that reached another client, with the datagram's index in its sender's sequence. */
  misrouted: number[];
  /** The indices of datagrams whose reply never reached their sender. */
  unanswered: number[];
  maxProcesses: number;
  processesAfter: number;
}

async function measure(load: Load): Promise<Measured> {
  const port = await freePort();
  const script = proxyScript(port);
  const echo = createSocket("udp4");
  sockets.push(echo);
  echo.on("message", (message, peer) => echo.send(message, peer.port, peer.address));
  await new Promise<void>((resolve) => echo.bind(port + 10000, "127.0.0.1", resolve));
  const shell = spawn("/bin/sh", ["-c", script], { detached: true, stdio: "ignore" });
  running.push(shell);
  await until(() => descendants(shell.pid!) >= 2, 3000); // the subshell and socat listening

  let maxProcesses = 0;
  const sampler = setInterval(() => (maxProcesses = Math.max(maxProcesses, descendants(shell.pid!))), 20);
  let answered = 0;
  const misrouted: number[] = [];
  const replied = Array.from({ length: load.clients }, () => new Set<number>());
  const clients = await Promise.all(
    Array.from({ length: load.clients }, async (_, c) => {
      const socket = createSocket("udp4");
      sockets.push(socket);
      socket.on("message", (message) => {
        const [from, index] = message.toString().split(":");
        if (from === `c${c}`) {
          answered += 1;
          replied[c]!.add(Number(index));
        } else misrouted.push(Number(index));
      });
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
      return socket;
    }),
  );
  await Promise.all(
    clients.map(async (socket, c) => {
      await sleep(c * load.staggerMs);
      for (let i = 0; i < load.perClient; i += 1) {
        socket.send(`c${c}:${i}`, port, "127.0.0.1");
        await sleep(1);
      }
    }),
  );
  const sent = load.clients * load.perClient;
  await until(() => answered + misrouted.length >= sent, 3000);
  clearInterval(sampler);
  const unanswered = replied.flatMap((got) =>
    Array.from({ length: load.perClient }, (_, i) => i).filter((i) => !got.has(i)),
  );
  return { sent, answered, misrouted, unanswered, maxProcesses, processesAfter: descendants(shell.pid!) };
}

function proxyScript(port: number): string {
  const output = rewrite(bacnet.replace('ports: ["47808/udp"]', `ports: ["${port}/udp"]`), {
    options: { strategy: "proxy" },
  }).output;
  const proxy = (parse(output) as { services: Record<string, { command: string[] }> }).services["bacnet-proxy"]!;
  // What docker does to the value before the container sees it: `$$` is a literal `$`.
  return interpolate(proxy.command[0]!, {});
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(done: () => boolean, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !done() && Date.now() < end;) await sleep(20);
}

function report(name: string, load: Load, m: Measured): void {
  const lost = m.sent - m.answered - m.misrouted.length;
  console.log(
    `udp forwarder, ${name}: ${load.clients} client(s) x ${load.perClient} datagrams, ${load.staggerMs} ms apart: ` +
      `${m.answered}/${m.sent} answered to their sender, ${m.misrouted.length} to another client, ${lost} lost ` +
      `(unanswered: the first ${Math.max(-1, ...m.unanswered) + 1} of a client at most); ` +
      `at most ${m.maxProcesses} processes (subshell, socat and its children), ${m.processesAfter} after`,
  );
}

/**
 * socat hands its listening socket to a new client's child before connecting it to that
 * client: what arrives in that moment (the new client's next datagrams, or another new
 * client's first ones) can be lost or answered to that client. How long the moment lasts
 * depends on the machine's load: 12 of 300 with other tests beside it, 27 with sixteen clients
 * at once on a machine loaded sevenfold, at 1 ms apart. The bound is the moment, not a count
 * measured once: after a client's first 100 datagrams (a tenth of a second) every one is
 * answered, to its sender.
 */
function expectSteadyState(m: Measured): void {
  expect(m.misrouted.filter((index) => index >= handOver)).toEqual([]);
  expect(m.unanswered.filter((index) => index >= handOver)).toEqual([]);
}
const handOver = 100;

/** The subshell and socat, and per client at most three children (36 seen for 16 clients at load 15). */
const childBound = (clients: number) => 2 + 3 * clients;

describe("the UDP forwarder under load (real socat, loopback)", () => {
  it("one client, 300 datagrams: one child process, not one per datagram", async () => {
    const load = { clients: 1, perClient: 300, staggerMs: 0 };
    const m = await measure(load);
    report("one client", load, m);
    expectSteadyState(m);
    expect(m.misrouted).toEqual([]);
    // the forwarder's subshell, socat listening, the client's child (a second one in that race)
    expect(m.maxProcesses).toBeLessThanOrEqual(4);
  }, 30_000);

  it("8 clients joining one by one, 4,000 datagrams: every reply to its sender once it has its child", async () => {
    const load = { clients: 8, perClient: 500, staggerMs: 40 };
    const m = await measure(load);
    report("clients one after the other", load, m);
    expectSteadyState(m);
    // One child per client; a client whose datagrams reach the listening socket again before
    // its child has connected gets a second one (measured: 12 for 8 clients), on a loaded machine
    // now and then a third. Never one per datagram.
    expect(m.maxProcesses).toBeLessThanOrEqual(childBound(load.clients));
    expect(m.processesAfter).toBeLessThanOrEqual(udpMaxPeers + 2);
  }, 30_000);

  it("16 clients at once, 4,000 datagrams: one child per client; only first datagrams can cross", async () => {
    const load = { clients: 16, perClient: 250, staggerMs: 0 };
    const m = await measure(load);
    report("clients at once", load, m);
    expect(m.maxProcesses).toBeLessThanOrEqual(childBound(load.clients));
    expectSteadyState(m);
  }, 30_000);
});
