// `stackmod audit` over the three-node Swarm: asked on the manager (through the GET-only recording proxy), it
// finds exactly the refused services, with the tasks refused on each node; a worker cannot answer (not a
// manager): exit 2 with the engine's message. The audit's time on the cluster is recorded ("audit: cluster").
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingProxy } from "../../helpers/engine-api.mjs";
import { stackmod } from "../cli.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { buildImage, SOCAT_IMAGE } from "../images.js";
import { possibleRefusals, REFUSAL } from "../refusal.js";
import { poll } from "../run.js";
import { removeStackNow } from "../scenario.js";
import { deployStack, taskErrors, waitConverged } from "../stack.js";
import { recordTiming, timed } from "../timing.js";

const cluster = e2eCluster();
const stackFile = (name: string) => fileURLToPath(new URL(`../stacks/${name}`, import.meta.url));

interface Audit {
  services: {
    name: string;
    stack: string | null;
    status: string;
    findings: { rule: string; failingTasks: { node?: string; error?: string }[] }[];
  }[];
}

describe.skipIf(!cluster)("stackmod audit on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  const socket = join(c.dir, "audit-proxy.sock");
  const host = `unix://${socket}`;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  beforeAll(async () => {
    proxy = await recordingProxy(c.manager.dockerHost.replace(/^unix:\/\//, ""), socket);
    await timed(c.dir, "audit: deploy", async () => {
      await buildImage(c.nodes, "registry.example.com/plant/gateway:2.4", SOCAT_IMAGE);
      const refused = [stackFile("audit-refused.yml"), stackFile("audit-refused-dnsrr.override.yml")];
      await deployStack(c.manager, [...refused, stackFile("audit-cluster-global.override.yml")], "auditbad");
      await deployStack(c.manager, [stackFile("audit-clean.yml"), stackFile("audit-dnsrr.override.yml")], "auditok");
      await docker(c.manager, ["network", "create", "-d", "overlay", "audit-plain"]);
      const create = ["service", "create", "-d", "--stop-grace-period", "1s", "--name", "loose-gw"];
      await docker(
        c.manager,
        [...create, "--network", "host", "--network", "audit-plain"].concat([
          "stackmod-e2e/socat:latest",
          "sleep",
          "3600",
        ]),
      );
      await waitConverged(c.manager, "auditok", 90_000);
      await poll("auditbad_gw refused on every node, auditbad_web refused", 120_000, async () => {
        const errors = (await taskErrors(c.manager, "auditbad")).filter((t) => REFUSAL.test(t.error));
        const nodes = new Set(errors.filter((t) => t.service === "auditbad_gw").map((t) => t.node));
        return nodes.size === c.nodes.length && errors.some((t) => t.service === "auditbad_web") ? true : undefined;
      });
      await poll("loose-gw to be refused", 60_000, async () => {
        const r = await docker(c.manager, ["service", "ps", "--no-trunc", "--format", "{{.Error}}", "loose-gw"]);
        return REFUSAL.test(r.stdout) ? true : undefined;
      });
    });
  });

  afterAll(async () => {
    await docker(c.manager, ["service", "rm", "loose-gw"], { allowFail: true });
    await removeStackNow(c.manager, "auditbad", c.nodes);
    await removeStackNow(c.manager, "auditok", c.nodes);
    await proxy?.close();
  });

  it("finds exactly the refused services, with the tasks each node refused", async () => {
    const runs: number[] = [];
    let r: Awaited<ReturnType<typeof stackmod>> | undefined;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      r = await stackmod(["audit", "--host", host, "--format", "json"]);
      runs.push(performance.now() - t0);
    }
    runs.sort((a, b) => a - b);
    recordTiming(c.dir, "audit: cluster (median of 5 runs of the CLI)", runs[2]!);
    expect(r!.stderr).toBe("");
    expect(r!.code).toBe(1);
    const audit = JSON.parse(r!.stdout) as Audit;
    const found = audit.services.filter((s) => s.findings.length > 0);
    expect(found.map((s) => [s.stack, s.name, s.findings.map((f) => f.rule)])).toEqual([
      ["auditbad", "auditbad_gw", ["host-plus-network"]],
      ["auditbad", "auditbad_web", ["host-ingress-port"]],
      [null, "loose-gw", ["host-plus-network"]],
    ]);
    const gw = found[0]!.findings[0]!;
    const nodeIds = (await docker(c.manager, ["node", "ls", "-q"])).stdout.split("\n").filter(Boolean);
    expect([...new Set(gw.failingTasks.map((t) => t.node))].sort()).toEqual(nodeIds.sort());
    for (const task of found.flatMap((s) => s.findings[0]!.failingTasks))
      expect(possibleRefusals(c.manager.serverVersion).filter((t) => task.error?.includes(t))).toHaveLength(1);
    const clean = audit.services.filter((s) => s.status === "clean").map((s) => s.name);
    expect(clean.sort()).toEqual(["auditbad_ok", "auditok_api", "auditok_collector"]);
    expect(proxy.refused).toEqual([]);
    expect(new Set(proxy.exchanges.map((x) => x.method))).toEqual(new Set(["GET"]));
  });

  it("a worker cannot list services: exit 2, one line with the engine's message", async () => {
    const worker = c.nodes.find((n) => n.role === "worker")!;
    const r = await stackmod(["audit", "--host", worker.dockerHost]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      new RegExp(
        `^stackmod audit: ${worker.dockerHost}: GET /v1\\.\\d+/services: HTTP 503: This node is not a swarm ` +
          `manager\\..*\\n$`,
      ),
    );
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
