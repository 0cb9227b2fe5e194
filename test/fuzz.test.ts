import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCampaign } from "./fuzz/campaign.js";
import { failureOf, type FuzzCase } from "./fuzz/oracles.js";

/**
 * A short fixed-seed slice of `npm run fuzz` (test/fuzz/), and every failure a
 * campaign found, kept in test/fuzz/regressions/ (the text, and its options in the
 * .json beside it), checked with every oracle, docker and the CLI included.
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

  const dir = join(import.meta.dirname, "fuzz", "regressions");
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort()) {
    it(`kept: ${name}`, () => {
      const fuzz: FuzzCase = {
        text: readFileSync(join(dir, name), "utf8"),
        options: JSON.parse(readFileSync(join(dir, name.replace(/\.yml$/, ".json")), "utf8")) as FuzzCase["options"],
      };
      expect(failureOf(fuzz, { docker: true, cli: true })).toBeUndefined();
    });
  }
});
