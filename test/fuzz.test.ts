import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCampaign } from "./fuzz/campaign.js";
import { failureOf, type FuzzCase } from "./fuzz/oracles.js";

/**
 * A short fixed-seed slice of `npm run fuzz` (test/fuzz/), and every failure a
 * campaign found, kept in test/fuzz/regressions/ (the text, and its options in the
 * .json beside it; a layered case's second -c file in NAME.override.yml), checked with every oracle, docker and the
 * CLI included.
 */
describe("fuzz", () => {
  it("a fixed-seed slice finds nothing", () => {
    const result = runCampaign({ seed: 14, count: 120, seconds: 15, dockerEvery: 10, cliEvery: 40 });
    const report = result.failures.map(
      (f) => `case ${f.index} (${f.from}, ${f.mutations.join(", ")}, ${JSON.stringify(f.fuzz.options)}): ${f.problem}`,
    );
    expect(report).toEqual([]);
    expect(result.cases).toBeGreaterThan(20);
  }, 120_000);

  it("a fixed-seed layered slice finds nothing (check -c and rewrite -c pairs)", () => {
    const result = runCampaign({ seed: 16, count: 60, seconds: 15, layered: 1, dockerEvery: 5, cliEvery: 20 });
    const report = result.failures.map(
      (f) => `case ${f.index} (${f.from}, ${f.mutations.join(", ")}, ${JSON.stringify(f.fuzz.options)}): ${f.problem}`,
    );
    expect(report).toEqual([]);
    expect(result.cases).toBeGreaterThan(10);
  }, 120_000);

  const dir = join(import.meta.dirname, "fuzz", "regressions");
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".yml") && !f.endsWith(".override.yml"))
    .sort()) {
    it(`kept: ${name}`, () => {
      const second = join(dir, name.replace(/\.yml$/, ".override.yml"));
      const fuzz: FuzzCase = {
        text: readFileSync(join(dir, name), "utf8"),
        ...(existsSync(second) ? { layers: readFileSync(second, "utf8") } : {}),
        options: JSON.parse(readFileSync(join(dir, name.replace(/\.yml$/, ".json")), "utf8")) as FuzzCase["options"],
      };
      expect(failureOf(fuzz, { docker: true, cli: true })).toBeUndefined();
    });
  }
});
