// Cluster scenario 6: conflict detection. A global service on the host network plus an overlay is refused by
// the engine on every node that gets a task (the manager and both workers), no task of it ever runs, and
// `stackmod check` predicted that at the `- hostnet` line. The same service on the host network alone runs on
// every node, and the device on the LAN reaches each node's task at that node's address.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { stackmod } from "../cli.js";
import { runningTasks } from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { possibleRefusals, REFUSAL } from "../refusal.js";
import { poll } from "../run.js";
import { removeStackNow } from "../scenario.js";
import { deployStack, taskErrors, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce, tcpFromHost, untilAnswered } from "../traffic.js";

const cluster = e2eCluster();
const stackFile = (name: string) => fileURLToPath(new URL(`../stacks/${name}`, import.meta.url));
const CONFLICT = stackFile("cluster-conflict.yml");
const HOST_ONLY = stackFile("cluster-conflict-host-only.yml");
const STACK = "c6conflict";
const HOST_STACK = "c6hostonly";

describe.skipIf(!cluster)("conflict detection on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  const hostnames = c.nodes.map((n) => n.hostname).sort();
  afterAll(() =>
    timed(c.dir, "conflict: remove", async () => {
      await removeStackNow(c.manager, STACK, c.nodes);
      await removeStackNow(c.manager, HOST_STACK, c.nodes);
    }),
  );

  it("stackmod check predicts the refusal at the `- hostnet` line of the service, exit 1", async () => {
    const r = await stackmod(["check", "--format", "json", CONFLICT]);
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { files: { findings: Record<string, unknown>[] }[] }).files.flatMap(
      (f) => f.findings,
    );
    const lines = readFileSync(CONFLICT, "utf8").split("\n");
    const line = lines.findIndex((l) => l === "      - hostnet") + 1;
    expect(line).toBeGreaterThan(0);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "host-plus-network", severity: "error", service: "gw", line, column: 9 });
    expect((await stackmod(["check", HOST_ONLY])).code).toBe(0);
  });

  it("the engine refuses the task on every node, manager and workers, and none ever runs", async () => {
    await timed(c.dir, "conflict: refused on every node", async () => {
      await deployStack(c.manager, CONFLICT, STACK);
      // a global service: one task per node; each is refused on its node, and replaced, and refused again
      const errors = await poll("a refused task on every node", 90_000, async () => {
        const all = await taskErrors(c.manager, STACK);
        const refused = new Set(all.filter((t) => REFUSAL.test(t.error)).map((t) => t.node));
        return refused.size === hostnames.length ? all : undefined;
      });
      expect([...new Set(errors.map((t) => t.node))].sort()).toEqual(hostnames);
      for (const t of errors) {
        expect(t.service).toBe(`${STACK}_gw`);
        expect(
          possibleRefusals(c.manager.serverVersion).some((text) => t.error.includes(text)),
          t.error,
        ).toBe(true);
        expect(t.state).toMatch(/^(Rejected|Failed)/);
      }
      for (const node of c.nodes) {
        const ps = await docker(node, ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${STACK}_gw`]);
        expect(ps.stdout.trim(), `running containers of ${STACK}_gw on ${node.hostname}`).toBe("");
      }
    });
  });

  it("on the host network alone it runs on every node, and the device reaches each at its node's address", async () => {
    await timed(c.dir, "conflict: host only, every node", async () => {
      await deployStack(c.manager, HOST_ONLY, HOST_STACK);
      await waitConverged(c.manager, HOST_STACK, 60_000);
      const tasks = await runningTasks(c, `${HOST_STACK}_gw`, c.nodes.length);
      expect(tasks.map((t) => t.node.hostname).sort()).toEqual(hostnames);
      expect(tasks.every((t) => t.networks.join() === "host")).toBe(true);
      for (const node of c.nodes) {
        const payload = nonce("tcp");
        const reply = await untilAnswered(() => tcpFromHost(node.address, 38090, payload, c.device.netns));
        expect(reply, node.hostname).toBe(`conflict-ok ${node.hostname}`);
      }
    });
  });
});
