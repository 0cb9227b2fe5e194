// Cluster scenario 1: proxy, inbound, `--publish host`. The gateway is pinned to the edge worker (node-b): the
// rewrite runs it on the overlay only with mode-host ports there, and its proxy on node-b's host network; the
// device's UDP and TCP to node-b's address come back from the gateway; no other node answers on those ports; a
// client on node-c still reaches the gateway by name across the overlay. With its label alone as placement the
// rewrite is refused (the label could match several nodes, and the proxy must run on the gateway's node).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultProxyImage } from "../../../src/strategies/proxy/proxy.js";
import { stackmod } from "../cli.js";
import {
  containerHostname,
  execInTask,
  labelNodes,
  nodeNamed,
  runningTask,
  unlabelNodes,
  type ClusterTask,
} from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { removeStackNow, rewriteToFile } from "../scenario.js";
import { deployStack, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce, tcpFromHost, udpFromHost, untilAnswered } from "../traffic.js";

const cluster = e2eCluster();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const INPUT = here("../stacks/cluster-gateway.yml");
const DNSRR = here("../stacks/inbound-dnsrr.override.yml");
const STACK = "c1inbound";
const LABELS = { "node-b": ["edge=true"] };
const PINNED = "[node.labels.edge == true, node.hostname == node-b]";

describe.skipIf(!cluster)("proxy, inbound, --publish host, on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  const edge = nodeNamed(c, "node-b");
  let gateway: ClusterTask;
  let gatewayHost = "";

  beforeAll(async () => {
    await timed(c.dir, "proxy inbound: rewrite, deploy, converge", async () => {
      await labelNodes(c, LABELS);
      expect((await stackmod(["check", INPUT])).code).toBe(1);
      const { file, text } = await rewriteToFile(c.manager, INPUT, ["--strategy", "proxy", "--publish", "host"]);
      expect(text).toContain(`image: ${defaultProxyImage}`);
      await deployStack(c.manager, [file, DNSRR], STACK);
      await waitConverged(c.manager, STACK, 90_000);
    });
    gateway = await runningTask(c, `${STACK}_gateway`);
    gatewayHost = await containerHostname(gateway);
  });
  afterAll(() =>
    timed(c.dir, "proxy inbound: remove", async () => {
      await removeStackNow(c.manager, STACK, c.nodes);
      await unlabelNodes(c, LABELS);
    }),
  );

  it("with the label alone as placement, the rewrite is refused at the service: the proxy could stray", async () => {
    const text = readFileSync(INPUT, "utf8");
    expect(text).toContain(PINNED);
    const file = join(mkdtempSync(join(c.dir, "label-only-")), "stack.yml");
    writeFileSync(file, text.replace(PINNED, "[node.labels.edge == true]"));
    const r = await stackmod(["rewrite", "--stdout", "--strategy", "proxy", "--publish", "host", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const line = text.split("\n").indexOf("  gateway:") + 1;
    expect(r.stderr).toContain(`${file}:${line}:3: error UNSUPPORTED: service "gateway"`);
    expect(r.stderr).toContain("(node.labels.edge == true) can match several nodes");
  });

  it("the gateway runs on node-b's overlay only, mode-host ports, its proxy on node-b's host network", async () => {
    expect(gateway.node.hostname).toBe("node-b");
    expect(gateway.networks).toEqual([`${STACK}_app`]);
    const proxy = await runningTask(c, `${STACK}_gateway-proxy`);
    expect([proxy.node.hostname, proxy.networks]).toEqual(["node-b", ["host"]]);
    expect((await runningTask(c, `${STACK}_client`)).node.hostname).toBe("node-c");
    const ports = await docker(c.manager, [
      "service",
      "inspect",
      "--format",
      "{{range .Endpoint.Ports}}{{.PublishMode}} {{.Protocol}} {{.PublishedPort}}:{{.TargetPort}};{{end}}",
      `${STACK}_gateway`,
    ]);
    expect(ports.stdout.trim().split(";").filter(Boolean).sort()).toEqual([
      "host tcp 31111:21111",
      "host udp 31110:21110",
    ]);
  });

  it("the device's UDP and TCP to node-b's address reach the gateway, and its replies come back", async () => {
    const udp = nonce("udp");
    expect(await untilAnswered(() => udpFromHost(edge.address, 21110, udp, c.device.netns))).toBe(
      `gateway-udp ${udp} ${gatewayHost}`,
    );
    const tcp = nonce("tcp");
    expect(await untilAnswered(() => tcpFromHost(edge.address, 21111, tcp, c.device.netns))).toBe(
      `gateway-tcp ${tcp} ${gatewayHost}`,
    );
  });

  it("no other node answers on those ports: nothing new is exposed there", async () => {
    for (const node of c.nodes.filter((n) => n.hostname !== "node-b")) {
      expect(await udpFromHost(node.address, 21110, nonce("udp"), c.device.netns), node.hostname).toBe("");
      expect(await tcpFromHost(node.address, 21111, nonce("tcp"), c.device.netns), node.hostname).toBe("");
    }
  });

  it("the client on node-c reaches the gateway on node-b by its name over the overlay, UDP and TCP", async () => {
    const client = await runningTask(c, `${STACK}_client`);
    const udp = nonce("udp");
    const u = await execInTask(client, ["timeout", "5", "socat", "-T2", "-", "UDP4:gateway:21110"], {
      input: `${udp}\n`,
    });
    expect(u.stdout.trim()).toBe(`gateway-udp ${udp} ${gatewayHost}`);
    const tcp = nonce("tcp");
    const t = await execInTask(client, ["timeout", "5", "socat", "-T2", "-", "TCP4:gateway:21111,connect-timeout=2"], {
      input: `${tcp}\n`,
    });
    expect(t.stdout.trim()).toBe(`gateway-tcp ${tcp} ${gatewayHost}`);
  });
});
