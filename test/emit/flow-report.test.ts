import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { formatRewriteReport } from "../../src/emit/text.js";
import { readSection, sectionNames } from "../../scripts/readme-sections.js";
import { testDir } from "../helpers/paths.js";

/**
 * The README's flow reports are what `stackmod rewrite EXAMPLE` prints today: each section
 * `flows examples/X.yml` is a block that holds the report's lines for that file, in order (the
 * notes left out), and every block that starts with `examples/X.yml: rewrote` is in one.
 */
const repo = join(testDir, "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const prefix = "flows ";
const names = sectionNames(readme, prefix);
const blocks = [...readme.matchAll(/^```\n(examples\/[\w.-]+\.yml): rewrote [^\n]*\n(?:[^`][^\n]*\n)*?```$/gm)];

describe("README flow reports", () => {
  it("there are some, and every report block is in its section", () => {
    expect(names).toEqual(
      expect.arrayContaining(["flows examples/bacnet-stack.yml", "flows examples/adguard-stack.yml"]),
    );
    expect(blocks.map((block) => `${prefix}${block[1]}`)).toEqual(names);
  });

  for (const name of names) {
    const file = name.slice(prefix.length);
    it(`${file}: the block is what the report says`, () => {
      const result = rewrite(readFileSync(join(repo, file), "utf8"), { file });
      const lines = formatRewriteReport(result, false);
      const notes = new Set(result.notes.map((n) => n.message));
      const report = lines.filter((line) => ![...notes].some((note) => line.endsWith(note)));
      expect(readSection(readme, name)).toBe("```\n" + report.map((line) => line + "\n").join("") + "```\n");
    });
  }
});
