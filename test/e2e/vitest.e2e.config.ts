// The real-engine suite: `npx vitest run -c test/e2e/vitest.e2e.config.ts` (root, Debian bookworm).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/e2e/**/*.e2e.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 120_000,
    // one engine, one test file at a time
    fileParallelism: false,
    maxWorkers: 1,
    pool: "forks",
  },
});
