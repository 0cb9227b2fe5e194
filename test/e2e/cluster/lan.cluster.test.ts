// Cluster scenario 5: lan. The gateway stack rewritten by the real CLI (`rewrite --write`, options from the
// file's own x-stackmod block) next to its setup script; the script, run on every node (in the node's network
// and UTS namespaces, so `$(hostname)` is the node's name, against the node's engine), creates on each node the
// config-only network with that node's own range and, on the manager only, the swarm-scoped macvlan network; a
// second run changes nothing. The global gateway then gets on each node an address of that node's range, and
// the device on the LAN reaches every task at its own address, UDP and TCP.
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackmod } from "../cli.js";
import { containerHostname, onNode, runningTasks, type ClusterNode, type ClusterTask } from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker, dockerEnv } from "../engine.js";
import { removeStackNow } from "../scenario.js";
import { deployStack, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce, tcpFromHost, udpFromHost, untilAnswered } from "../traffic.js";

const cluster = e2eCluster();
const INPUT = fileURLToPath(new URL("../stacks/cluster-lan.yml", import.meta.url));
const STACK = "c5lan";
const NETWORK = "plant-lan";
/** The range the input gives each node, and the last octet of its first address. */
const RANGES: Record<string, { cidr: string; first: number }> = {
  "node-a": { cidr: "198.18.17.160/28", first: 160 },
  "node-b": { cidr: "198.18.17.128/28", first: 128 },
  "node-c": { cidr: "198.18.17.144/28", first: 144 },
};

describe.skipIf(!cluster)("lan: macvlan on every node's LAN interface, a range each (real engines)", () => {
  const c = cluster!;
  const dir = mkdtempSync(join(c.dir, "lan-"));
  const stack = join(dir, "stack.yml");
  const script = join(dir, "stack.lan-setup.sh");
  let tasks: ClusterTask[] = [];

  /** The script as a user runs it on a node: `sh stack.lan-setup.sh`, the node's docker and host name. */
  const runScript = (node: ClusterNode) =>
    onNode(node, "sh", [script], {
      env: { ...dockerEnv(node), PATH: `${dirname(node.cli)}:${process.env.PATH ?? ""}` },
      allowFail: true,
    });
  const inspect = async (node: ClusterNode, name: string, format: string) =>
    (await docker(node, ["network", "inspect", "--format", format, name], { allowFail: true })).stdout.trim();
  const networkIds = async () =>
    Promise.all(
      c.nodes.map(async (n) => [
        await inspect(n, `${NETWORK}-config`, "{{.Id}}"),
        await inspect(n, NETWORK, "{{.Id}}"),
      ]),
    );

  beforeAll(() => copyFileSync(INPUT, stack));
  afterAll(() =>
    timed(c.dir, "lan: remove", async () => {
      await removeStackNow(c.manager, STACK, c.nodes);
      await docker(c.manager, ["network", "rm", NETWORK], { allowFail: true });
      for (const n of c.nodes) await docker(n, ["network", "rm", `${NETWORK}-config`], { allowFail: true });
    }),
  );

  it("stackmod rewrite --write writes the stack and its setup script beside it", async () => {
    const r = await stackmod(["rewrite", "--write", stack]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(stack, "utf8")).toContain(`      - ${NETWORK}\n      - backend\n`);
    expect(readFileSync(script, "utf8")).toContain("Run it on every node");
    expect((await stackmod(["check", stack])).code).toBe(0);
  });

  it("on each node the script makes its config-only network (its range), the manager the swarm one", async () => {
    await timed(c.dir, "lan: setup script on every node", async () => {
      // workers first: a user may well start there; the manager's run creates the swarm-scoped network
      for (const node of [...c.nodes].reverse()) {
        const r = await runScript(node);
        expect(r.code, `${node.hostname}: ${r.stderr}${r.stdout}`).toBe(0);
        if (node.role === "worker") expect(r.stdout).toContain(`not a swarm manager: run this script on a manager`);
      }
    });
    const config =
      "{{.ConfigOnly}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}} {{.Options.parent}}";
    for (const node of c.nodes) {
      expect(await inspect(node, `${NETWORK}-config`, config), node.hostname).toBe(
        `true 198.18.17.0/24 198.18.17.1 ${RANGES[node.hostname]!.cidr} eth0`,
      );
    }
    expect(await inspect(c.manager, NETWORK, "{{.Driver}} {{.Scope}} {{.ConfigFrom.Network}}")).toBe(
      `macvlan swarm ${NETWORK}-config`,
    );
  });

  it("a second run on every node changes nothing", async () => {
    const before = await networkIds();
    for (const node of c.nodes) {
      const r = await runScript(node);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`${NETWORK}-config exists on this node; left as it is`);
      if (node.role === "manager") expect(r.stdout).toContain(`${NETWORK} exists in the swarm; left as it is`);
    }
    expect(await networkIds()).toEqual(before);
  });

  it("the global gateway runs on every node, on the LAN network at an address of that node's range", async () => {
    await timed(c.dir, "lan: deploy, converge", async () => {
      await deployStack(c.manager, stack, STACK);
      await waitConverged(c.manager, STACK, 90_000);
    });
    tasks = await runningTasks(c, `${STACK}_gateway`, c.nodes.length);
    expect(tasks.map((t) => t.node.hostname).sort()).toEqual(c.nodes.map((n) => n.hostname).sort());
    for (const task of tasks) {
      expect(task.networks).toEqual([`${STACK}_backend`, NETWORK].sort());
      const address = await lanAddress(task);
      const last = Number(address.split(".")[3]);
      const { first } = RANGES[task.node.hostname]!;
      expect(address.startsWith("198.18.17."), `${task.node.hostname}: ${address}`).toBe(true);
      expect(last, `${task.node.hostname}: ${address}`).toBeGreaterThanOrEqual(first);
      expect(last, `${task.node.hostname}: ${address}`).toBeLessThan(first + 16);
    }
  });

  it("the device on the LAN reaches each task at its own address, UDP and TCP", async () => {
    expect(tasks).toHaveLength(c.nodes.length);
    for (const task of tasks) {
      const address = await lanAddress(task);
      const hostname = await containerHostname(task);
      const udp = nonce("udp");
      expect(await untilAnswered(() => udpFromHost(address, 21110, udp, c.device.netns))).toBe(
        `gateway-udp ${udp} ${hostname}`,
      );
      const tcp = nonce("tcp");
      expect(await untilAnswered(() => tcpFromHost(address, 21111, tcp, c.device.netns))).toBe(
        `gateway-tcp ${tcp} ${hostname}`,
      );
    }
  });

  async function lanAddress(task: ClusterTask): Promise<string> {
    const fmt = `{{(index .NetworkSettings.Networks "${NETWORK}").IPAddress}}`;
    return (await docker(task.node, ["inspect", "--format", fmt, task.containerId])).stdout.trim();
  }
});
