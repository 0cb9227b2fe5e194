// Cluster scenario 4: split, each queue kind. The meter stack, its reader pinned to the edge worker (node-b),
// rewritten by the real CLI (`--strategy split --queue KIND --publish host`, and the processor's own placement
// from `--processor-constraint` or the --config file's `queue.processor.constraints`): the engine runs the
// collector on node-b's host network, the queue beside it on the overlay (it publishes in mode host, and the
// collector reaches it at 127.0.0.1: the report says both are constrained to node-b), and the processor on
// another node (the manager or node-c, each kind a different constraint), as `docker service ps` and the
// service's placement show; a message the collector sends arrives at the processor, across nodes over the
// overlay, through the queue exactly once. Every kind of the registry, each broker from its Debian package
// (packed into an image tagged with the name the rewrite emits, as test/brokers/kinds/KIND/broker.ts says); the
// app is busybox sh with each kind's app.sh and the tools it names (socat, Debian's mosquitto clients,
// amqp-tools). The brokers' images are imported into node-b only (a queue scheduled anywhere else would fail for
// want of its image), the app's into every node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { queueKindNames, queueKinds, type QueueKindName } from "../../../src/strategies/split/queues/index.js";
import { nodeNamed, runningTask, execInTask, type ClusterTask } from "../cluster.js";
import { e2eCluster } from "../context.js";
import { docker } from "../engine.js";
import { setupOf } from "../../brokers/kinds/index.js";
import { buildImage, SOCAT_IMAGE } from "../images.js";
import { poll, sleep } from "../run.js";
import { removeStackNow, rewriteToFile } from "../scenario.js";
import { deployStack, waitConverged } from "../stack.js";
import { timed } from "../timing.js";
import { nonce } from "../traffic.js";

const cluster = e2eCluster();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const INPUT = here("../stacks/meter.yml");
const DNSRR = here("../stacks/split-dnsrr.override.yml");
const EDGE = "node-b";
const APP_IMAGE = "stackmod-e2e/queue-app:latest";

/**
 * Where each queue publishes for its collector: mode host (this kernel has no IPVS, so an ingress port never
 * opens; `--publish host`), on a port below the kernel's ephemeral range (no test elsewhere gets it by chance),
 * one per kind, by its place in the registry, so that the stacks run at once.
 */
const published = (kind: QueueKindName) => 21422 + queueKindNames.indexOf(kind);

/**
 * Where a kind's processor goes: a constraint of its own (the reader's `node.hostname == node-b` stays on the
 * collector and the queue), given as flags or in the --config file, and the nodes that satisfies. The kinds take
 * them in turn, by their place in the registry, so that every form is run.
 */
const PLACEMENTS: { constraints: string[]; via: "flag" | "config"; nodes: string[] }[] = [
  { constraints: ["node.role == manager"], via: "flag", nodes: ["node-a"] },
  { constraints: ["node.hostname == node-c"], via: "config", nodes: ["node-c"] },
  { constraints: ["node.role == worker", "node.hostname != node-b"], via: "config", nodes: ["node-c"] },
  { constraints: ["node.hostname != node-b"], via: "flag", nodes: ["node-a", "node-c"] },
];
const placement = (kind: QueueKindName) => PLACEMENTS[queueKindNames.indexOf(kind) % PLACEMENTS.length]!;

/** The external secrets the rewrite names for a queue that needs credentials (rabbitmq), created before deploy. */
const SECRETS = { "meter-queue-user": "stackmod", "meter-queue-password": nonce("pw") };

const logsOf = async (task: ClusterTask) => {
  const r = await docker(task.node, ["logs", task.containerId]);
  return r.stdout + r.stderr;
};

describe.skipIf(!cluster)("split on a three-node Swarm (real engines)", () => {
  const c = cluster!;
  const e = c.manager;
  const edge = nodeNamed(c, EDGE);
  const stack = (kind: QueueKindName) => `c4split${kind}`;
  // every kind of the registry: one without its test side (test/brokers/kinds/KIND/) fails here, not skips
  const kinds = [...queueKindNames];
  const setups = new Map(kinds.map((kind) => [kind, setupOf(kind)]));

  beforeAll(async () => {
    await timed(c.dir, "split: images", async () => {
      const protocols = Object.fromEntries(
        kinds.map((kind) => [
          `/usr/local/lib/queue-app/${queueKinds[kind].scheme}.sh`,
          readFileSync(here(`../../brokers/kinds/${kind}/app.sh`), "utf8"),
        ]),
      );
      await buildImage(c.nodes, APP_IMAGE, {
        ...SOCAT_IMAGE,
        binaries: [...SOCAT_IMAGE.binaries!, ...kinds.flatMap((kind) => setups.get(kind)!.appTools.binaries)],
        files: {
          "/usr/local/bin/queue-app.sh": readFileSync(here("../stacks/app/queue-app.sh"), "utf8"),
          "/usr/local/bin/queue-send.sh": readFileSync(here("../stacks/app/queue-send.sh"), "utf8"),
          ...protocols,
        },
        cmd: ["sh", "/usr/local/bin/queue-app.sh"],
      });
      for (const kind of kinds) await buildImage(edge, queueKinds[kind].image, setups.get(kind)!.standIn);
    });
    // one stack per queue kind, deployed at the same time
    await timed(c.dir, `split: rewrite, deploy, converge (${kinds.join(", ")})`, () =>
      Promise.all(kinds.map((kind) => deploy(kind))),
    );
  });
  afterAll(() =>
    timed(c.dir, "split: remove", async () => {
      await Promise.all(kinds.map((kind) => removeStackNow(e, stack(kind), c.nodes)));
      if (kinds.some(needsSecrets)) await docker(e, ["secret", "rm", ...Object.keys(SECRETS)], { allowFail: true });
    }),
  );

  function needsSecrets(kind: QueueKindName): boolean {
    return queueKinds[kind].auth === "required";
  }

  async function deploy(kind: QueueKindName): Promise<void> {
    const options = join(c.dir, `split-${kind}.yml`);
    const processor = placement(kind);
    const inConfig =
      processor.via === "config" ? `  processor:\n    constraints: ${JSON.stringify(processor.constraints)}\n` : "";
    writeFileSync(options, `queue:\n  published: ${published(kind)}\n${inConfig}`);
    // With queue.publish: host the queue must run on the collector's node: the reader is pinned to the edge.
    const input = join(c.dir, `meter-${kind}.yml`);
    const pin = `    deploy:\n      placement:\n        constraints: [node.hostname == ${EDGE}]\n`;
    writeFileSync(
      input,
      readFileSync(INPUT, "utf8").replace("    networks: [hostnet, backend]\n", (m) => m + pin),
    );
    const { file, text, report } = await rewriteToFile(e, input, [
      "--strategy",
      "split",
      "--queue",
      kind,
      "--publish",
      "host",
      "--config",
      options,
      ...(processor.via === "flag" ? processor.constraints.flatMap((c) => ["--processor-constraint", c]) : []),
    ]);
    expect(report).toContain(
      `meter-processor: placed by queue.processor.constraints on ${processor.constraints.join(", ")} instead of the ` +
        `service's node.hostname == ${EDGE}`,
    );
    expect(text).toContain(`image: ${queueKinds[kind].image}`);
    expect(report).toContain(
      `"meter-queue" runs on the node of each task of "meter": both are constrained to \`node.hostname == ${EDGE}\``,
    );
    expect(text).toContain(`QUEUE_URL: ${queueKinds[kind].scheme}://127.0.0.1:${published(kind)}`);
    if (needsSecrets(kind)) {
      for (const [name, value] of Object.entries(SECRETS)) {
        expect(text).toContain(`  ${name}:\n    external: true`);
        await docker(e, ["secret", "create", name, "-"], { input: value });
      }
    }
    // the rewrite unchanged, plus endpoint_mode: dnsrr for the queue (no IPVS here; see the override file)
    await deployStack(e, [file, DNSRR], stack(kind));
    const services = await waitConverged(e, stack(kind), 120_000);
    expect(services.map((s) => s.name).sort()).toEqual([
      `${stack(kind)}_meter-collector`,
      `${stack(kind)}_meter-processor`,
      `${stack(kind)}_meter-queue`,
    ]);
  }

  describe.each(kinds)("--queue %s", (kind) => {
    const name = stack(kind);
    let processor: ClusterTask;
    /** A timeout's error, with what the processor and the queue printed (a broker that never came up, a refusal). */
    const withLogs = async (err: Error): Promise<never> => {
      const queue = await docker(e, ["service", "logs", "--raw", "--tail", "30", `${name}_meter-queue`], {
        allowFail: true,
      });
      const processorLog = (await logsOf(processor)).slice(-2000);
      const queueLog = (queue.stdout + queue.stderr).slice(-3000);
      throw new Error(`${err.message}\nprocessor:\n${processorLog}\nqueue:\n${queueLog}`);
    };

    it("the collector runs on node-b's host network only, the queue beside it, the processor elsewhere", async () => {
      const collector = await runningTask(c, `${name}_meter-collector`);
      expect([collector.node.hostname, collector.networks]).toEqual([EDGE, ["host"]]);
      const queue = await runningTask(c, `${name}_meter-queue`);
      expect([queue.node.hostname, queue.networks]).toEqual([EDGE, [`${name}_backend`]]);
      processor = await runningTask(c, `${name}_meter-processor`);
      expect(processor.networks).toEqual([`${name}_backend`]);
      expect(placement(kind).nodes).toContain(processor.node.hostname);
      expect(processor.node.hostname).not.toBe(EDGE);
      const constraintsOf = async (service: string) =>
        JSON.parse(
          (
            await docker(e, [
              "service",
              "inspect",
              "--format",
              "{{json .Spec.TaskTemplate.Placement.Constraints}}",
              `${name}_${service}`,
            ])
          ).stdout,
        ) as string[];
      expect(await constraintsOf("meter-processor")).toEqual(placement(kind).constraints);
      expect(await constraintsOf("meter-collector")).toEqual([`node.hostname == ${EDGE}`]);
      expect(await constraintsOf("meter-queue")).toEqual([`node.hostname == ${EDGE}`]);
      const ports = await docker(e, [
        "service",
        "inspect",
        "--format",
        "{{range .Endpoint.Ports}}{{.PublishMode}} {{.PublishedPort}}:{{.TargetPort}}{{end}}",
        `${name}_meter-queue`,
      ]);
      expect(ports.stdout.trim()).toBe(`host ${published(kind)}:${queueKinds[kind].port}`);
    });

    it("a message the collector on node-b sends arrives at the processor on its other node, exactly once", async () => {
      // core NATS drops what is published before the processor has subscribed, MQTT before its first
      // subscription, RabbitMQ before it has declared its queue: wait for it to say so
      await poll(`${kind} processor to subscribe`, 60_000, async () =>
        (await logsOf(processor)).includes("subscribed to meter at meter-queue:") ? true : undefined,
      ).catch(withLogs);
      const payload = nonce(`reading-${kind}`);
      const collector = await runningTask(c, `${name}_meter-collector`);
      const sent = await execInTask(collector, ["sh", "/usr/local/bin/queue-send.sh", payload]);
      expect(sent.stdout.trim()).toBe(`published ${payload}`);
      const received = await poll(`the processor to print ${payload}`, 10_000, async () => {
        const lines = (await logsOf(processor)).split("\n");
        return lines.includes(`received ${payload}`) ? lines : undefined;
      }).catch(withLogs);
      expect(received.filter((l) => l.startsWith("received "))).toEqual([`received ${payload}`]);
      // and no second delivery a moment later (a redelivery, a second consumer)
      await sleep(2_000);
      const later = (await logsOf(processor)).split("\n").filter((l) => l.startsWith("received "));
      expect(later).toEqual([`received ${payload}`]);
    });
  });
});
