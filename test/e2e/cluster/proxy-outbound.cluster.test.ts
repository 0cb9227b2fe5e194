// Cluster scenario 2: proxy, outbound. The gateway stays on the host network of the edge worker (node-b); its
// client runs on the manager (node-a) and reaches it by its old name through the generated proxy on the overlay,
// which the engine puts on the gateway's node (the proxy forwards to its default gateway: its own node). With a
// label-only placement that two nodes match (node-b and node-c), the rewrite refuses (exit 2, naming the fix);
// with that label and mode: global, it makes the proxy global with the same constraint, and on the cluster each
// proxy task answers from its own node's gateway.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackmod } from "../cli.js";
import { execInTask, labelNodes, runningTask, runningTasks, unlabelNodes, type ClusterTask } from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { removeStackNow, rewriteToFile } from "../scenario.js";
import { deployStack, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce, untilAnswered } from "../traffic.js";

const cluster = e2eCluster();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const GATEWAY = here("../stacks/cluster-gateway.yml");
const DNSRR = here("../stacks/outbound-dnsrr.override.yml");
const STACK = "c2outbound";
const GLOBAL = "c2global";
const LABELS = { "node-b": ["edge=true"], "node-c": ["edge=true"] };
const PINNED = "constraints: [node.labels.edge == true, node.hostname == node-b]";
const LABEL_ONLY = "constraints: [node.labels.edge == true]";

/** cluster-gateway.yml with its client on the manager and, if given, another placement for the gateway. */
function variant(dir: string, name: string, gatewayDeploy?: string): string {
  const text = readFileSync(GATEWAY, "utf8");
  expect(text).toContain(PINNED);
  expect(text).toContain("constraints: [node.hostname == node-c]");
  let out = text.replace("constraints: [node.hostname == node-c]", "constraints: [node.role == manager]");
  if (gatewayDeploy) out = out.replace(`      placement:\n        ${PINNED}\n`, gatewayDeploy);
  expect(out).not.toBe(text);
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, out);
  return file;
}

/** UDP and TCP from the client task to HOST, one line each; the gateway answers with its (the node's) name. */
async function ask(client: ClusterTask, host: string): Promise<{ udp: string; tcp: string; payloads: string[] }> {
  const payloads = [nonce("udp"), nonce("tcp")];
  const send = (target: string, payload: string) => async () =>
    (await execInTask(client, ["timeout", "5", "socat", "-T2", "-", target], { input: `${payload}\n` })).stdout.trim();
  const udp = await untilAnswered(send(`UDP4:${host}:21110`, payloads[0]!));
  const tcp = await untilAnswered(send(`TCP4:${host}:21111,connect-timeout=2`, payloads[1]!));
  return { udp, tcp, payloads };
}

describe.skipIf(!cluster)("proxy, outbound, on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  let dir = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(c.dir, "outbound-"));
    await labelNodes(c, LABELS);
  });
  afterAll(() =>
    timed(c.dir, "proxy outbound: remove", async () => {
      await removeStackNow(c.manager, STACK, c.nodes);
      await removeStackNow(c.manager, GLOBAL, c.nodes);
      await unlabelNodes(c, LABELS);
    }),
  );

  it("pinned to node-b: the proxy lands on node-b, and the manager's client reaches the gateway by name", async () => {
    await timed(c.dir, "proxy outbound: pinned, rewrite, deploy, converge", async () => {
      const { file } = await rewriteToFile(c.manager, variant(dir, "pinned"), [
        "--strategy",
        "proxy",
        "--direction",
        "outbound",
      ]);
      await deployStack(c.manager, [file, DNSRR], STACK);
      await waitConverged(c.manager, STACK, 90_000);
    });
    const gateway = await runningTask(c, `${STACK}_gateway`);
    expect([gateway.node.hostname, gateway.networks]).toEqual(["node-b", ["host"]]);
    const proxy = await runningTask(c, `${STACK}_gateway-proxy`);
    expect([proxy.node.hostname, proxy.networks]).toEqual(["node-b", [`${STACK}_app`]]);
    const client = await runningTask(c, `${STACK}_client`);
    expect(client.node.hostname).toBe("node-a");
    const r = await ask(client, "gateway");
    expect(r.udp).toBe(`gateway-udp ${r.payloads[0]} node-b`);
    expect(r.tcp).toBe(`gateway-tcp ${r.payloads[1]} node-b`);
    await removeStackNow(c.manager, STACK, c.nodes); // its host ports, for the global stack below
  });

  it("with a label two nodes match and nothing else, the rewrite refuses at the service, naming the fix", async () => {
    const file = variant(dir, "label-only", `      placement:\n        ${LABEL_ONLY}\n`);
    const labelled = await docker(c.manager, [
      "node",
      "ls",
      "--filter",
      "node.label=edge=true",
      "--format",
      "{{.Hostname}}",
    ]);
    expect(labelled.stdout.trim().split("\n").sort()).toEqual(["node-b", "node-c"]);
    const r = await stackmod(["rewrite", "--stdout", "--strategy", "proxy", "--direction", "outbound", file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const line = readFileSync(file, "utf8").split("\n").indexOf("  gateway:") + 1;
    expect(r.stderr).toContain(`${file}:${line}:3: error UNSUPPORTED: service "gateway"`);
    expect(r.stderr).toContain("(node.labels.edge == true) can match several nodes and it is not global");
    expect(r.stderr).toContain("constrain it to one node (deploy.placement.constraints: [node.hostname == NODE])");
  });

  it("with that label and mode: global, each proxy task runs by a gateway task, answers from its node", async () => {
    const deploy = `      mode: global\n      placement:\n        ${LABEL_ONLY}\n`;
    await timed(c.dir, "proxy outbound: global, rewrite, deploy, converge", async () => {
      const { file, text } = await rewriteToFile(c.manager, variant(dir, "global", deploy), [
        "--strategy",
        "proxy",
        "--direction",
        "outbound",
      ]);
      expect(text).toMatch(/ {2}gateway-proxy:\n(?: {4}.*\n)*? {4}deploy:\n {6}mode: global\n/);
      await deployStack(c.manager, [file, DNSRR], GLOBAL);
      await waitConverged(c.manager, GLOBAL, 90_000);
    });
    const gateways = await runningTasks(c, `${GLOBAL}_gateway`, 2);
    expect(gateways.map((t) => t.node.hostname).sort()).toEqual(["node-b", "node-c"]);
    const proxies = await runningTasks(c, `${GLOBAL}_gateway-proxy`, 2);
    expect(proxies.map((t) => t.node.hostname).sort()).toEqual(["node-b", "node-c"]);
    const client = await runningTask(c, `${GLOBAL}_client`);
    expect(client.node.hostname).toBe("node-a");
    for (const proxy of proxies) {
      const fmt = `{{(index .NetworkSettings.Networks "${GLOBAL}_app").IPAddress}}`;
      const address = (await docker(proxy.node, ["inspect", "--format", fmt, proxy.containerId])).stdout.trim();
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const r = await ask(client, address);
      expect(r.udp, `through the proxy on ${proxy.node.hostname}`).toBe(
        `gateway-udp ${r.payloads[0]} ${proxy.node.hostname}`,
      );
      expect(r.tcp, `through the proxy on ${proxy.node.hostname}`).toBe(
        `gateway-tcp ${r.payloads[1]} ${proxy.node.hostname}`,
      );
    }
    const byName = await ask(client, "gateway");
    expect(byName.tcp).toMatch(new RegExp(`^gateway-tcp ${byName.payloads[1]} node-[bc]$`));
  });
});
