// Vitest global setup for the single-node e2e suite: one engine for the whole run, always torn down (the
// cluster suite's, cluster-setup.ts, is the same with a three-node cluster: setupRun() below).
// STACKMOD_E2E=0 turns the suite off for a local run (loudly); under CI=true it always runs, and a machine
// that cannot run it fails the run.
import type { TestProject } from "vitest/node";
import { startEngine, stopEngine, stopEngineSync } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { timed, timingReport } from "./timing.js";
import type { E2EContext } from "./context.js";
import { defaultProxyImage } from "../../src/strategies/proxy/proxy.js";

/** Image names the scenarios deploy; all are the same offline busybox + socat image. */
export const SOCAT_TAGS = ["stackmod-e2e/socat:latest", defaultProxyImage, "alpine/socat:latest"];

const banner = (lines: string[]) =>
  console.error(["", "#".repeat(78), ...lines.map((l) => `# ${l}`), "#".repeat(78), ""].join("\n"));

export default function setup(project: TestProject) {
  return setupRun(project, async () => {
    const engine = await startEngine();
    await timed(engine.dir, "build images", () => buildImage(engine, SOCAT_TAGS, SOCAT_IMAGE));
    return { context: { engine }, dir: engine.dir, version: engine.serverVersion, cli: engine.clientVersion };
  });
}

/** What a run's start hands to setupRun: the context the tests get, and what the timing report names. */
export interface Started {
  context: E2EContext;
  dir: string;
  version: string;
  cli: string;
}

/** Start (engine or cluster), provide it to the tests, tear it down at the end, on a signal, or on exit. */
export async function setupRun(project: TestProject, start: () => Promise<Started>) {
  const ci = process.env.CI === "true" || process.env.CI === "1";
  if (process.env.STACKMOD_E2E === "0") {
    if (!ci) {
      banner(["STACKMOD_E2E=0: the real-engine e2e suite is SKIPPED.", "Nothing was proven against a Docker engine."]);
      project.provide("stackmodE2E", { skipped: "STACKMOD_E2E=0" } satisfies E2EContext);
      return;
    }
    banner(["STACKMOD_E2E=0 is ignored under CI=true: the e2e suite always runs in CI."]);
  }
  const t0 = performance.now();
  // vitest does not run global teardown when interrupted (Ctrl-C, SIGTERM): tear down from here instead, also
  // while the engines are still starting (stopEngineSync() tears down whatever the run has created so far).
  const onExit = () => stopEngineSync();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n[e2e] ${signal}: tearing down the test engine`);
    try {
      stopEngineSync();
    } finally {
      process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15));
    }
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  process.once("exit", onExit);
  for (const s of signals) process.once(s, onSignal);
  const unhook = () => {
    process.off("exit", onExit);
    for (const s of signals) process.off(s, onSignal);
  };
  let started: Started | undefined;
  try {
    started = await start();
  } catch (e) {
    banner([
      "The e2e suite cannot run on this machine, and that is a FAILURE.",
      `${e instanceof Error ? e.message : e}`.split("\n")[0] ?? "",
      "Set STACKMOD_E2E=0 to switch it off for a local run (not honoured under CI=true).",
    ]);
    await stopEngine().catch(() => undefined);
    unhook();
    throw e;
  }
  project.provide("stackmodE2E", started.context);

  return async () => {
    unhook();
    const report = timingReport(started?.dir);
    try {
      await timed(undefined, "teardown", () => stopEngine());
    } finally {
      console.error(
        `\n[e2e] timings (engine ${started?.version}, CLI ${started?.cli}):\n${report}\n${timingReport(undefined)}`,
      );
      console.error(`  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  total (setup to teardown)\n`);
    }
  };
}
