import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite, transforms } from "../../src/index.js";
import { optionRows } from "../../src/plan/options-doc.js";
import { testDir } from "../helpers/paths.js";

/** Every strategy has fixtures, an example that uses it, a README section and documented options. */
const repo = join(testDir, "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const examples = readdirSync(join(repo, "examples")).filter((f) => f.endsWith(".yml"));
const usedByExamples = new Set(
  examples.flatMap((name) =>
    rewrite(readFileSync(join(repo, "examples", name), "utf8"), { file: name }).applied.map((a) => a.strategy),
  ),
);

describe.each(transforms.map((t) => [t.name, t.optionsKey]))("strategy %s", (name, key) => {
  it("has fixture pairs", () => {
    const cases = readdirSync(join(repo, "test", "fixtures", name)).filter((f) => f.endsWith(".input.yml"));
    expect(cases.length).toBeGreaterThan(0);
  });

  it("is used by a bundled example", () => {
    expect([...usedByExamples]).toContain(name);
  });

  it("has a README section", () => {
    expect(readme).toMatch(new RegExp(`^### ${name}\\b`, "m"));
  });

  it("describes each of its options, in `stackmod transforms` and the README's options table", () => {
    const rows = optionRows(transforms).filter((row) => row.option.startsWith(`\`${key}.`));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.description, row.option).not.toBe("");
      expect(readme, row.option).toContain(`| ${row.option} |`);
    }
  });
});
