import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The real-engine suite runs after the unit tests, with its own config (npm run test:e2e).
    exclude: [...configDefaults.exclude, "test/e2e/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
