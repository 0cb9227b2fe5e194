import { existsSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { exitCodes } from "../src/exit-codes.js";
import { optionsTable } from "../scripts/options-table.js";
import { diffSectionPrefix, exampleDiffBlock } from "../scripts/example-diffs.js";
import { markers, readSection, sectionNames, writeSection } from "../scripts/readme-sections.js";
import { transforms } from "../src/strategies/index.js";
import { rulesTable } from "../scripts/rules-table.js";
import { rules } from "../src/rules/index.js";
import { queuesTable } from "../scripts/queues-table.js";
import { queueKindList } from "../src/strategies/split/queues/index.js";
import { sharedNetworkText } from "../src/rules/engine-texts.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  test("the options list is the one the zod schemas give (run `npm run docs` when this fails)", () => {
    expect(readSection(readme, "options-table")).toBe(optionsTable(transforms) + "\n");
  });

  test("the rules list is the one the rules give, an item per rule (run `npm run docs` when this fails)", () => {
    expect(readSection(readme, "rules-table")).toBe(rulesTable(rules) + "\n");
    for (const rule of rules) expect(readme).toContain(`\n- \`${rule.id}\` (${rule.severity}): `);
  });

  test("the queue kinds list is the one the kinds give, an item per kind (run `npm run docs` when this fails)", () => {
    expect(readSection(readme, "queues-table")).toBe(queuesTable(queueKindList) + "\n");
    for (const kind of queueKindList) expect(readme).toContain(`\n- \`${kind.name}\``);
  });

  test("every example diff in the README is what the rewrite prints today (run `npm run docs` when this fails)", () => {
    const names = sectionNames(readme, diffSectionPrefix);
    expect(names).toContain("diff examples/bacnet-stack.yml");
    for (const name of names)
      expect(readSection(readme, name), name).toBe(exampleDiffBlock(name.slice(diffSectionPrefix.length)));
  });

  test("the list has an item for every option of every transform", () => {
    const table = optionsTable(transforms);
    for (const t of transforms) {
      const shape = (t.optionsSchema as unknown as { shape: Record<string, unknown> }).shape;
      for (const key of Object.keys(shape))
        expect("\n" + table, `${t.optionsKey}.${key}`).toContain(`\n- \`${t.optionsKey}.${key}`);
    }
    for (const key of ["strategy", "ports", "services.NAME.*"]) expect("\n" + table).toContain(`\n- \`${key}\` (`);
  });

  test("the engine's error at the top is the text the rules know, word for word", () => {
    expect(readSection(readme, "engine error")).toBe(
      "```\nstarting container failed: failed to set up container networking: " + sharedNetworkText.text + "\n```\n",
    );
  });

  test("a section written by hand names the test that checks it, and that test reads README sections", () => {
    const checked = [...readme.matchAll(/^<!-- (.+?):start \(checked by (test\/[\w/.-]+\.test\.ts)\) -->$/gm)];
    expect(checked.map((m) => m[1])).toEqual(expect.arrayContaining(["engine error", "audit example"]));
    for (const [, name, test] of checked) {
      const path = new URL(`../${test}`, import.meta.url);
      expect(existsSync(path), `${name}: ${test}`).toBe(true);
      expect(readFileSync(path, "utf8"), `${name}: ${test}`).toContain("readSection(");
    }
  });

  test("sections are replaced between their markers and nowhere else", () => {
    const { start, end } = markers("options-table");
    const text = `before\n${start}\nold\n${end}\nafter\n`;
    expect(writeSection(text, "options-table", "new\n")).toBe(`before\n${start}\nnew\n${end}\nafter\n`);
    expect(() => readSection("no markers\n", "options-table")).toThrow(/has no "options-table" section/);
  });

  test("the exit-code list says what src/exit-codes.ts does", () => {
    // One item per code, its text up to the next item or the end of the list (wrapped lines joined).
    const rows = [...readme.matchAll(/^- (\d): ((?:.|\n {2})+)$/gm)].map((m) => [
      Number(m[1]),
      m[2]!.replace(/\n {2}/g, " "),
    ]);
    expect(rows.map(([code]) => code)).toEqual([exitCodes.ok, exitCodes.found, exitCodes.error]);
    expect(rows[1]![1]).toContain("`check` found errors");
    expect(rows[1]![1]).toContain("`rewrite --check` would change a file");
  });
});
