// Scenario 5: lan. The gateway stack rewritten by the real CLI (`--strategy lan --write`) next to its generated
// setup script; the script, run against the test engine, creates the config-only and swarm-scoped macvlan
// networks; the rewritten stack converges with the gateway on the macvlan network (and its overlay), with an
// address of the LAN's subnet; and the node reaches it there through the shim the rewrite's report describes.
// The parent interface is one end of a veth pair (this machine has no physical LAN to spare, and its kernel has
// no dummy or ipvlan driver: macvlan only).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker, dockerEnv } from "./engine.js";
import { removeStackNow, runningTask } from "./scenario.js";
import { run } from "./run.js";
import { deployStack, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce, tcpFromHost, udpFromHost } from "./traffic.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/gateway.yml", import.meta.url));
const STACK = "e2elan";
// A veth pair stands in for the LAN: PARENT is what the macvlan network hangs off; SHIM is the node's own way in.
const PARENT = "e2elan0";
const PEER = "e2elan1";
const SHIM = "e2elanshim";
const SUBNET = "192.168.250.0/24";
const GATEWAY = "192.168.250.1";
const SHIM_ADDRESS = "192.168.250.254";
const NETWORK = `${PARENT}-lan`; // the rewrite's default name: PARENT-lan

const ip = (...args: string[]) => run("ip", args);
const removeLinks = async () => {
  // deleting the parent also deletes the macvlan links on it, and the veth's peer
  for (const link of [SHIM, PARENT]) await run("ip", ["link", "del", link], { allowFail: true });
};

describe.skipIf(!engine)("lan: macvlan on a veth pair (real engine)", () => {
  const e = engine!;
  let dir = "";
  let address = "";

  beforeAll(async () => {
    await removeLinks(); // a run killed earlier may have left them
    await ip("link", "add", PARENT, "type", "veth", "peer", "name", PEER);
    await ip("link", "set", PEER, "up");
    await ip("link", "set", PARENT, "up");
  });
  afterAll(async () => {
    await timed(e.dir, "lan: remove", async () => {
      try {
        await removeStackNow(e, STACK);
        await docker(e, ["network", "rm", NETWORK], { allowFail: true });
        await docker(e, ["network", "rm", `${NETWORK}-config`], { allowFail: true });
      } finally {
        await removeLinks();
      }
    });
    expect((await run("ip", ["-o", "link", "show"])).stdout).not.toMatch(
      new RegExp(`: (${PARENT}|${PEER}|${SHIM})[@:]`),
    );
  });

  it("stackmod rewrite --write writes the stack and its setup script beside it", async () => {
    dir = mkdtempSync(join(e.dir, "lan-"));
    copyFileSync(INPUT, join(dir, "stack.yml"));
    const r = await stackmod([
      "rewrite",
      "--write",
      "--strategy",
      "lan",
      "--lan-parent",
      PARENT,
      "--lan-subnet",
      SUBNET,
      "--lan-gateway",
      GATEWAY,
      join(dir, "stack.yml"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, "stack.lan-setup.sh"))).toBe(true);
    expect(r.stderr).toContain(`ip link add macvlan-shim link ${PARENT} type macvlan mode bridge`);
    expect((await stackmod(["check", join(dir, "stack.yml")])).code).toBe(0);
  });

  it("the setup script creates the config-only and the swarm-scoped macvlan network on the engine", async () => {
    await timed(e.dir, "lan: setup script", async () => {
      // as a user runs it on a manager: `docker` on PATH (the suite's CLI), talking to the test engine
      const env = { ...dockerEnv(e), PATH: `${dirname(e.cli)}:${process.env.PATH ?? ""}` };
      await run("sh", [join(dir, "stack.lan-setup.sh")], { env });
      const again = await run("sh", [join(dir, "stack.lan-setup.sh")], { env }); // safe to run again
      expect(again.stdout).toContain(`${NETWORK} exists in the swarm; left as it is`);
    });
    const fmt =
      '{{.Driver}} {{.Scope}} {{.ConfigOnly}} {{.ConfigFrom.Network}} {{index .Options "parent"}} {{range ' +
      ".IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}";
    expect((await docker(e, ["network", "inspect", "--format", fmt, `${NETWORK}-config`])).stdout.trim()).toBe(
      `null local true  ${PARENT} ${SUBNET} ${GATEWAY}`,
    );
    expect(
      (
        await docker(e, ["network", "inspect", "--format", "{{.Driver}} {{.Scope}} {{.ConfigFrom.Network}}", NETWORK])
      ).stdout.trim(),
    ).toBe(`macvlan swarm ${NETWORK}-config`);
  });

  it("the rewritten stack converges: the gateway on the macvlan network and its overlay, a LAN address", async () => {
    await timed(e.dir, "lan: deploy, converge", async () => {
      await deployStack(e, join(dir, "stack.yml"), STACK);
      await waitConverged(e, STACK, 60_000);
    });
    const gateway = await runningTask(e, `${STACK}_gateway`);
    expect(gateway.networks).toEqual([`${STACK}_app`, NETWORK].sort());
    address = (
      await docker(e, [
        "inspect",
        "--format",
        `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`,
        gateway.id,
      ])
    ).stdout.trim();
    expect(address).toMatch(/^192\.168\.250\.(\d+)$/);
    expect([GATEWAY, SHIM_ADDRESS]).not.toContain(address);
    const link = await docker(e, ["exec", gateway.id, "ip", "-o", "-4", "addr", "show"]);
    expect(link.stdout).toContain(`inet ${address}/24`);
  });

  it("through the shim the report describes, the node reaches the gateway's LAN address over UDP and TCP", async () => {
    expect(address).not.toBe("");
    await ip("link", "add", SHIM, "link", PARENT, "type", "macvlan", "mode", "bridge");
    await ip("addr", "add", `${SHIM_ADDRESS}/32`, "dev", SHIM);
    await ip("link", "set", SHIM, "up");
    await ip("route", "add", `${address}/32`, "dev", SHIM);
    const hostname = (
      await docker(e, ["inspect", "--format", "{{.Config.Hostname}}", (await runningTask(e, `${STACK}_gateway`)).id])
    ).stdout.trim();
    const udp = nonce("udp");
    expect(await udpFromHost(address, 21110, udp)).toBe(`gateway-udp ${udp} ${hostname}`);
    const tcp = nonce("tcp");
    expect(await tcpFromHost(address, 21111, tcp)).toBe(`gateway-tcp ${tcp} ${hostname}`);
  });
});
