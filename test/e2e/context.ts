// The engine a test file talks to, handed over by global-setup.ts through vitest's provide/inject.
import { inject } from "vitest";
import type { Cluster } from "./cluster.js";
import type { Engine } from "./engine.js";

export interface E2EContext {
  engine?: Engine;
  /** Under the cluster config (vitest.cluster.config.ts): the three-node Swarm. */
  cluster?: Cluster;
  /** Why the suite does not run (STACKMOD_E2E=0 on a local run); undefined when it runs. */
  skipped?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    stackmodE2E: E2EContext;
  }
}

/**
 * The engine, or undefined when the suite is switched off (STACKMOD_E2E=0) or the file runs outside the e2e
 * config (the unit config has no global setup). Use with `describe.skipIf(!engine)`.
 */
export function e2eEngine(): Engine | undefined {
  const ctx = context("test/e2e/vitest.e2e.config.ts");
  return ctx?.engine;
}

/** The cluster, or undefined when the suite is switched off or the file runs outside the cluster config. */
export function e2eCluster(): Cluster | undefined {
  const ctx = context("test/e2e/vitest.cluster.config.ts");
  return ctx?.cluster;
}

function context(config: string): E2EContext | undefined {
  let ctx: E2EContext | undefined;
  try {
    ctx = inject("stackmodE2E");
  } catch {
    ctx = undefined;
  }
  if (!ctx) console.error(`[e2e] not running under ${config}: e2e scenarios skipped`);
  return ctx;
}
