// Scenario 4: split. The meter stack rewritten by the real CLI (`--strategy split --queue KIND`) converges into a
// collector on the host network, a processor on the overlay and the generated queue between them, and a message
// the collector sends arrives at the processor through that queue. NATS and Redis, whose brokers Debian packages
// (packed into images tagged with the names the rewrite emits) and whose text protocols busybox sh + socat speak.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { queueKinds, type QueueKindName } from "../../src/queues/index.js";
import { e2eEngine } from "./context.js";
import { docker, type Engine } from "./engine.js";
import { buildImage, SOCAT_IMAGE, type ImageSpec } from "./images.js";
import { poll } from "./run.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, execInService, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce } from "./traffic.js";

const engine = e2eEngine();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const INPUT = here("./stacks/meter.yml");
const OPTIONS = here("./stacks/split-options.yml");
const DNSRR = here("./stacks/split-dnsrr.override.yml");
const APP_IMAGE = "stackmod-e2e/queue-app:latest";

/** Stand-ins for the pinned broker images, from Debian's binaries, with the official images' default behaviour. */
const BROKERS: Partial<Record<QueueKindName, ImageSpec>> = {
  nats: { binaries: ["nats-server"], cmd: ["nats-server"] },
  // the official image turns protected mode off (it would refuse clients from other containers)
  redis: { binaries: ["redis-server"], cmd: ["redis-server", "--protected-mode", "no", "--save", ""] },
};

const logsOf = async (e: Engine, id: string) => {
  const r = await docker(e, ["logs", id]);
  return r.stdout + r.stderr;
};

describe.skipIf(!engine)("split (real engine)", () => {
  const e = engine!;
  beforeAll(() =>
    timed(e.dir, "split: images", async () => {
      await buildImage(e, APP_IMAGE, {
        ...SOCAT_IMAGE,
        files: {
          "/usr/local/bin/queue-app.sh": readFileSync(here("./stacks/app/queue-app.sh"), "utf8"),
          "/usr/local/bin/queue-send.sh": readFileSync(here("./stacks/app/queue-send.sh"), "utf8"),
        },
        cmd: ["sh", "/usr/local/bin/queue-app.sh"],
      });
      for (const [kind, spec] of Object.entries(BROKERS)) await buildImage(e, queueKinds[kind as QueueKindName].image, spec);
    }),
  );

  describe.each(Object.keys(BROKERS) as QueueKindName[])("--queue %s", (kind) => {
    const stack = `e2esplit${kind}`;
    let processorId = "";

    beforeAll(() =>
      timed(e.dir, `split ${kind}: rewrite, deploy, converge`, async () => {
        const { file, text } = await rewriteToFile(e, INPUT, ["--strategy", "split", "--queue", kind, "--config", OPTIONS]);
        expect(text).toContain(`image: ${queueKinds[kind].image}`);
        // the rewrite unchanged, plus endpoint_mode: dnsrr for the queue (no IPVS here; see the override file)
        await deployStack(e, [file, DNSRR], stack);
        const services = await waitConverged(e, stack, 60_000);
        expect(services.map((s) => s.name).sort()).toEqual([`${stack}_meter-collector`, `${stack}_meter-processor`, `${stack}_meter-queue`]);
      }),
    );
    afterAll(() => timed(e.dir, `split ${kind}: remove`, () => removeStackNow(e, stack)));

    it("the engine runs the collector on the host network only, the processor and the queue on the overlay", async () => {
      expect((await runningTask(e, `${stack}_meter-collector`)).networks).toEqual(["host"]);
      const processor = await runningTask(e, `${stack}_meter-processor`);
      processorId = processor.id;
      expect(processor.networks).toEqual([`${stack}_backend`]);
      expect((await runningTask(e, `${stack}_meter-queue`)).networks).toEqual([`${stack}_backend`]);
    });

    it("a message sent by the collector arrives at the processor through the queue", async () => {
      // core NATS drops what is published before the processor has subscribed: wait for it to say so
      await poll(`${kind} processor to subscribe`, 30_000, async () => ((await logsOf(e, processorId)).includes("subscribed to meter at meter-queue:") ? true : undefined));
      const payload = nonce(`reading-${kind}`);
      const sent = await execInService(e, `${stack}_meter-collector`, ["sh", "/usr/local/bin/queue-send.sh", payload]);
      expect(sent.stdout.trim()).toBe(`published ${payload}`);
      const received = await poll(`the processor to print ${payload}`, 10_000, async () => {
        const lines = (await logsOf(e, processorId)).split("\n");
        return lines.includes(`received ${payload}`) ? lines : undefined;
      });
      expect(received.filter((l) => l.startsWith("received "))).toEqual([`received ${payload}`]);
    });
  });
});
