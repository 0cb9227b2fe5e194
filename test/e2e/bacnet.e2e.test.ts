// Scenario 1: the README's BACnet example as written. `stackmod check` (the real CLI) predicts the refusal at
// the host attachment; the engine refuses the task; the example rewritten with the proxy strategy runs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { defaultProxyImage } from "../../src/strategies/proxy/proxy.js";
import { e2eEngine } from "./context.js";
import { REPO, stackmod } from "./cli.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { expectedRefusal, REFUSAL } from "./refusal.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, taskErrors, waitConverged, waitForTaskError } from "./stack.js";
import { timed } from "./timing.js";
import { nonce, udpFromHost } from "./traffic.js";

const engine = e2eEngine();
const EXAMPLE = join(REPO, "examples", "bacnet-stack.yml");
const STACK = "e2ebacnet";
const FIXED = "e2ebacnetfix";

/** A stand-in collector: answers every BACnet/IP datagram on 47808 with the payload and its hostname. */
const COLLECTOR_CMD =
  `trap 'exit 0' TERM; socat UDP4-RECVFROM:47808,fork SYSTEM:'read l; echo "bacnet $l ` + `$(hostname)"' & wait`;
/** A stand-in for InfluxDB: only needs to run, and to stop on SIGTERM. */
const IDLE_CMD = "trap 'exit 0' TERM; while :; do sleep 1; done";

/** Where the example attaches "bacnet" to the host network: the `- hostnet` line, 1-based line and column. */
function hostAttachment(text: string): { line: number; column: number } {
  const lines = text.split("\n");
  const index = lines.findIndex((l) => /^\s+- hostnet\b/.test(l));
  expect(index).toBeGreaterThan(0);
  return { line: index + 1, column: lines[index]!.indexOf("hostnet") + 1 };
}

describe.skipIf(!engine)("the BACnet example (real engine)", () => {
  const e = engine!;
  // the images the example names, built offline so that it deploys as written
  const images = () => {
    const services = (parse(readFileSync(EXAMPLE, "utf8")) as { services: Record<string, { image: string }> }).services;
    return { collector: services.bacnet!.image, influx: services.influxdb!.image };
  };

  beforeAll(async () => {
    const { collector, influx } = images();
    await timed(e.dir, "bacnet: images and node label", async () => {
      await buildImage(e, collector, { ...SOCAT_IMAGE, cmd: ["sh", "-c", COLLECTOR_CMD] });
      await buildImage(e, influx, { cmd: ["sh", "-c", IDLE_CMD] });
      await buildImage(e, defaultProxyImage, SOCAT_IMAGE);
      // the example runs only on nodes labelled plant=true (deploy.placement)
      const node = (await docker(e, ["info", "--format", "{{.Swarm.NodeID}}"])).stdout.trim();
      await docker(e, ["node", "update", "--label-add", "plant=true", node]);
    });
  });
  afterAll(() =>
    timed(
      e.dir,
      "bacnet: remove",
      async () => void (await Promise.all([removeStackNow(e, STACK), removeStackNow(e, FIXED)])),
    ),
  );

  it("stackmod check reports host-plus-network at the host attachment, exit 1", async () => {
    const r = await stackmod(["check", "--format", "json", EXAMPLE]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { files: { findings: Record<string, unknown>[] }[] };
    const findings = report.files.flatMap((f) => f.findings);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      file: EXAMPLE,
      ...hostAttachment(readFileSync(EXAMPLE, "utf8")),
      rule: "host-plus-network",
      severity: "error",
      service: "bacnet",
    });
    const text = await stackmod(["check", EXAMPLE]);
    expect(text.code).toBe(1);
    const { line, column } = hostAttachment(readFileSync(EXAMPLE, "utf8"));
    expect(text.stdout + text.stderr).toContain(`${EXAMPLE}:${line}:${column}: error host-plus-network`);
  });

  // The example as written and rewritten are separate stacks: they run side by side.
  it.concurrent(
    "the engine refuses the bacnet task, as check predicted; the rest of the stack runs",
    async ({ expect }) => {
      await timed(e.dir, "bacnet: as written, refused", async () => {
        const check = JSON.parse((await stackmod(["check", "--format", "json", EXAMPLE])).stdout) as {
          files: { findings: { service: string; engineError: string }[] }[];
        };
        const predicted = check.files[0]!.findings[0]!;
        await deployStack(e, EXAMPLE, STACK);
        const failure = await waitForTaskError(e, STACK, REFUSAL, 60_000);
        expect(failure.service).toBe(`${STACK}_${predicted.service}`);
        expect(failure.error).toContain(expectedRefusal(e.serverVersion));
        // Engine >= 25 refuses with the text check quotes (src/rules/engine-texts.ts); 20.10 with its own.
        if (parseInt(e.serverVersion, 10) >= 25) expect(failure.error).toContain(predicted.engineError);
        const errors = await taskErrors(e, STACK);
        expect(errors.length).toBeGreaterThan(0);
        expect(
          errors.every((t) => t.service === `${STACK}_bacnet` && t.error.includes(expectedRefusal(e.serverVersion))),
        ).toBe(true);
        const running = await docker(e, [
          "ps",
          "-q",
          "--filter",
          `label=com.docker.swarm.service.name=${STACK}_bacnet`,
        ]);
        expect(running.stdout.trim()).toBe("");
        const influx = await runningTask(e, `${STACK}_influxdb`);
        expect(influx.networks).toEqual([`${STACK}_backend`]);
      });
    },
  );

  it.concurrent(
    "rewritten by the CLI (proxy, --publish host), it runs and BACnet datagrams on the host reach the collector",
    async ({ expect }) => {
      await timed(e.dir, "bacnet: rewritten, runs", async () => {
        const { file } = await rewriteToFile(e, EXAMPLE, ["--publish", "host"]);
        expect((await stackmod(["check", file])).code).toBe(0);
        await deployStack(e, file, FIXED);
        const services = await waitConverged(e, FIXED, 60_000);
        expect(services.map((s) => s.name).sort()).toEqual([
          `${FIXED}_bacnet`,
          `${FIXED}_bacnet-proxy`,
          `${FIXED}_influxdb`,
        ]);
        const collector = await runningTask(e, `${FIXED}_bacnet`);
        expect(collector.networks).toEqual([`${FIXED}_backend`]);
        expect((await runningTask(e, `${FIXED}_bacnet-proxy`)).networks).toEqual(["host"]);
        const payload = nonce("whois");
        expect(await udpFromHost("127.0.0.1", 47808, payload)).toBe(`bacnet ${payload} ${collector.id.slice(0, 12)}`);
      });
    },
  );
});
