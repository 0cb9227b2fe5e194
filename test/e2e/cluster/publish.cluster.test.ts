// Cluster scenario 3: publish. The listener pinned to the edge worker (node-b), rewritten by the real CLI with
// `--strategy publish`: the engine runs it on the overlay only, its ports published in mode host at the same
// numbers, on node-b; the device's UDP and TCP to node-b's address at those numbers reach it, and it sees the
// device's own address as their source (no proxy in between); the other nodes answer nothing on those ports.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackmod } from "../cli.js";
import { containerHostname, nodeNamed, runningTask, type ClusterTask } from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { removeStackNow, rewriteToFile } from "../scenario.js";
import { deployStack, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce, tcpFromHost, udpFromHost, untilAnswered } from "../traffic.js";

const cluster = e2eCluster();
const INPUT = fileURLToPath(new URL("../stacks/cluster-publish.yml", import.meta.url));
const STACK = "c3publish";

describe.skipIf(!cluster)("publish on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  const edge = nodeNamed(c, "node-b");
  let listener: ClusterTask;
  let hostname = "";

  beforeAll(async () => {
    await timed(c.dir, "publish: rewrite, deploy, converge", async () => {
      expect((await stackmod(["check", INPUT])).code).toBe(1);
      const { file, text, report } = await rewriteToFile(c.manager, INPUT, ["--strategy", "publish"]);
      expect(text).not.toContain("-proxy:");
      // what the report promises, which the traffic below checks
      for (const port of ["21120/udp", "21121/tcp"]) {
        expect(report).toContain(
          `flow LAN → listener ${port}: kept, published with mode: host at ${port} on the node that runs it; ` +
            `clients keep their own address`,
        );
      }
      expect((await stackmod(["check", file])).code).toBe(0);
      await deployStack(c.manager, file, STACK);
      const services = await waitConverged(c.manager, STACK, 90_000);
      expect(services.map((s) => s.name)).toEqual([`${STACK}_listener`]);
    });
    listener = await runningTask(c, `${STACK}_listener`);
    hostname = await containerHostname(listener);
  });
  afterAll(() => timed(c.dir, "publish: remove", () => removeStackNow(c.manager, STACK, c.nodes)));

  it("the listener runs on node-b on the overlay only, its ports in mode host at the same numbers", async () => {
    expect([listener.node.hostname, listener.networks]).toEqual(["node-b", [`${STACK}_app`]]);
    const ports = await docker(c.manager, [
      "service",
      "inspect",
      "--format",
      "{{range .Endpoint.Ports}}{{.PublishMode}} {{.Protocol}} {{.PublishedPort}}:{{.TargetPort}};{{end}}",
      `${STACK}_listener`,
    ]);
    expect(ports.stdout.trim().split(";").filter(Boolean).sort()).toEqual([
      "host tcp 21121:21121",
      "host udp 21120:21120",
    ]);
  });

  it("the device's UDP and TCP to node-b at the same ports reach it, from the device's own address", async () => {
    const device = c.device.address;
    const udp = nonce("udp");
    expect(await untilAnswered(() => udpFromHost(edge.address, 21120, udp, c.device.netns))).toBe(
      `listener-udp ${udp} ${device} ${hostname}`,
    );
    const tcp = nonce("tcp");
    expect(await untilAnswered(() => tcpFromHost(edge.address, 21121, tcp, c.device.netns))).toBe(
      `listener-tcp ${tcp} ${device} ${hostname}`,
    );
  });

  it("no other node answers on those ports", async () => {
    for (const node of c.nodes.filter((n) => n.hostname !== "node-b")) {
      expect(await udpFromHost(node.address, 21120, nonce("udp"), c.device.netns), node.hostname).toBe("");
      expect(await tcpFromHost(node.address, 21121, nonce("tcp"), c.device.netns), node.hostname).toBe("");
    }
  });
});
