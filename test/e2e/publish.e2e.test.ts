// Scenario: publish. A unicast listener on the host network and an overlay, rewritten by the real CLI with the
// default (the evidence makes it publish), runs on the overlay only with its ports published in mode host at the
// same numbers; a device in a network namespace of its own, on a veth pair that stands in for the LAN, reaches
// it over TCP and UDP at the node's address, and the service sees the device's own address. Then the broadcast
// facts the strategies rely on: a broadcast from the device reaches a host-network socket on 0.0.0.0 with the
// device's address, and reaches the published port only through docker-proxy, with another source.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { run } from "./run.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce, tcpFromHost, udpFromHost, untilAnswered } from "./traffic.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/publish-echo.yml", import.meta.url));
const STACK = "e2epublish";
const DEVICE = "smpubdev";
const HOST_END = "smpub0";
const DEVICE_END = "smpub1";
const NODE = "10.99.7.1";
const DEVICE_ADDRESS = "10.99.7.2";
const BROADCAST = "10.99.7.255";

const ip = (...args: string[]) => run("ip", args);
const inDevice = (cmd: string[]) => ["nsenter", `--net=/run/netns/${DEVICE}`, ...cmd];

/** One datagram to the subnet's broadcast address from the device; the first reply from anyone. */
async function broadcastFromDevice(port: number, line: string): Promise<string> {
  const socat = ["timeout", "5", "socat", "-T2", "-", `UDP4-DATAGRAM:${BROADCAST}:${port},broadcast`];
  const [cmd, ...args] = inDevice(socat);
  const r = await run(cmd!, args, { input: `${line}\n`, allowFail: true, timeoutMs: 10_000 });
  return r.stdout.trim().split("\n")[0] ?? "";
}

async function removeDevice(): Promise<void> {
  await run("ip", ["netns", "del", DEVICE], { allowFail: true });
  await run("ip", ["link", "del", HOST_END], { allowFail: true });
}

describe.skipIf(!engine)("publish (real engine)", () => {
  const e = engine!;
  let report = "";

  beforeAll(async () => {
    await timed(e.dir, "publish: device, rewrite, deploy, converge", async () => {
      await removeDevice();
      await ip("netns", "add", DEVICE);
      await ip("link", "add", HOST_END, "type", "veth", "peer", "name", DEVICE_END);
      await ip("link", "set", DEVICE_END, "netns", DEVICE);
      await ip("addr", "add", `${NODE}/24`, "brd", "+", "dev", HOST_END);
      await ip("link", "set", HOST_END, "up");
      await ip("-n", DEVICE, "addr", "add", `${DEVICE_ADDRESS}/24`, "brd", "+", "dev", DEVICE_END);
      await ip("-n", DEVICE, "link", "set", DEVICE_END, "up");
      await ip("-n", DEVICE, "link", "set", "lo", "up");
      await buildImage(e, "stackmod-e2e/socat:latest", SOCAT_IMAGE);
      expect((await stackmod(["check", INPUT])).code).toBe(1);
      const rewritten = await rewriteToFile(e, INPUT, []);
      report = rewritten.report;
      await deployStack(e, rewritten.file, STACK);
      const services = await waitConverged(e, STACK, 60_000);
      expect(services.map((s) => s.name).sort()).toEqual([`${STACK}_echo`, `${STACK}_listener`]);
    });
  });
  afterAll(() =>
    timed(e.dir, "publish: remove", async () => {
      await removeStackNow(e, STACK);
      await removeDevice();
    }),
  );

  it("the default chose publish from the evidence and said so", () => {
    expect(report).toContain('rewrote "echo" with publish');
    expect(report).toContain("echo: default from the evidence: unicast listeners only: 21130/udp, 21131/tcp");
    expect(report).toContain("flow LAN → echo 21130/udp: kept, published with mode: host at 21130/udp");
    expect(report).toContain("changed where they stand: 21131:21131");
  });

  it("it runs on the overlay only, publishing mode host at the same numbers, with no extra container", async () => {
    expect((await runningTask(e, `${STACK}_echo`)).networks).toEqual([`${STACK}_app`]);
    const ports = await docker(e, [
      "service",
      "inspect",
      "--format",
      "{{range .Endpoint.Ports}}{{.PublishMode}} {{.Protocol}} {{.PublishedPort}}:{{.TargetPort}};{{end}}",
      `${STACK}_echo`,
    ]);
    expect(ports.stdout.trim().split(";").filter(Boolean).sort()).toEqual([
      "host tcp 21131:21131",
      "host udp 21130:21130",
    ]);
  });

  it("UDP from the device reaches it at the same port, and it sees the device's own address", async () => {
    const payload = nonce("udp");
    const reply = await untilAnswered(() => udpFromHost(NODE, 21130, payload, DEVICE));
    expect(reply).toBe(`udp ${payload} from ${DEVICE_ADDRESS}`);
  });

  it("TCP from the device reaches it at the same port, and it sees the device's own address", async () => {
    const payload = nonce("tcp");
    const reply = await untilAnswered(() => tcpFromHost(NODE, 21131, payload, DEVICE));
    expect(reply).toBe(`tcp ${payload} from ${DEVICE_ADDRESS}`);
  });

  it("a broadcast from the device reaches a host-network socket on 0.0.0.0, with the device's address", async () => {
    const payload = nonce("bcast");
    const reply = await untilAnswered(() => broadcastFromDevice(21132, payload));
    expect(reply).toBe(`host ${payload} from ${DEVICE_ADDRESS}`);
  });

  it("a broadcast reaches the mode-host published port only through docker-proxy, its source replaced", async () => {
    const payload = nonce("bcast");
    const reply = await untilAnswered(() => broadcastFromDevice(21130, payload));
    expect(reply.startsWith(`udp ${payload} from `)).toBe(true);
    const source = reply.slice(`udp ${payload} from `.length);
    expect(source).not.toBe(DEVICE_ADDRESS);
    const proxies = await run("sh", ["-c", "ps -eo args | grep '[d]ocker-proxy' | grep -- '-host-port 21130'"], {
      allowFail: true,
    });
    expect(proxies.stdout).toContain("-proto udp");
  });
});
