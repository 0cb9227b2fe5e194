import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { formatRewriteReport } from "../../src/emit/text.js";
import { testDir } from "../helpers/paths.js";

/**
 * The README's flow reports are what `stackmod rewrite EXAMPLE` prints today: each block that starts
 * with `examples/X.yml: rewrote` holds the report's lines for that file, in order (the notes left out).
 */
const repo = join(testDir, "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```\n(examples\/[\w.-]+\.yml): rewrote [^\n]*\n(?:[^`][^\n]*\n)*?```$/gm)];

describe("README flow reports", () => {
  it("there are some", () => {
    expect(blocks.map((b) => b[1])).toEqual(
      expect.arrayContaining(["examples/bacnet-stack.yml", "examples/adguard-stack.yml"]),
    );
  });

  for (const block of blocks) {
    const file = block[1]!;
    it(`${file}: the block is what the report says`, () => {
      const result = rewrite(readFileSync(join(repo, file), "utf8"), { file });
      const lines = formatRewriteReport(result, false);
      const shown = block[0].split("\n").slice(1, -1);
      const notes = new Set(result.notes.map((n) => n.message));
      const report = lines.filter((line) => ![...notes].some((note) => line.endsWith(note)));
      expect(shown).toEqual(report);
    });
  }
});
