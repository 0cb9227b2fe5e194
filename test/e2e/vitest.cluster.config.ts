// The real-engine suite on a three-node Swarm: `npx vitest run -c test/e2e/vitest.cluster.config.ts` (root).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/e2e/cluster/**/*.cluster.test.ts"],
    globalSetup: ["test/e2e/cluster-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    teardownTimeout: 120_000,
    // one cluster, one test file at a time
    fileParallelism: false,
    maxWorkers: 1,
    pool: "forks",
  },
});
