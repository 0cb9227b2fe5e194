import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rules } from "../../src/rules/index.js";
import { explainRule } from "../../src/cli/commands/explain.js";
import { readSection } from "../../scripts/readme-sections.js";
import { testDir } from "../helpers/paths.js";

/**
 * Every rule in the registry has what a user and a reviewer need: fixture cases with the findings they
 * must give (run by rule-fixtures.test.ts), a case for its fix when it has one, docs, an `explain`
 * entry and an item in the README's rules list. A rule added without one of them fails here.
 */
const repo = join(testDir, "..");
const root = join(testDir, "fixtures", "rules");
const rulesTable = readSection(readFileSync(join(repo, "README.md"), "utf8"), "rules-table");

interface ExpectedFinding {
  rule: string;
}

function casesOf(id: string): string[] {
  const dir = join(root, id);
  if (!existsSync(dir)) return [];
  return (
    readdirSync(dir)
      // CASE.override.yml is the second file of the layered case CASE.yml.
      .filter((f) => f.endsWith(".yml") && !f.endsWith(".fixed.yml") && !f.endsWith(".override.yml"))
      .map((f) => f.slice(0, -4))
  );
}

it("the fixture folders are the registry's rules, no more", () => {
  const registered = new Set<string>(rules.map((r) => r.id));
  const folders = readdirSync(root);
  // Named, so that the message says which folder or rule is missing its other half.
  expect(folders.filter((id) => !registered.has(id)).map((id) => `test/fixtures/rules/${id}/: no such rule`)).toEqual(
    [],
  );
  expect(rules.filter((r) => !folders.includes(r.id)).map((r) => `${r.id}: no test/fixtures/rules/${r.id}/`)).toEqual(
    [],
  );
});

it("every rule written in src/rules/ is in the registry (src/rules/index.ts)", () => {
  const registered = new Set<string>(rules.map((r) => r.id));
  const dir = join(repo, "src", "rules");
  const written = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/: Rule<"([^"]+)">/g)].map((m) => [f, m[1]!]));
  expect(written.length).toBeGreaterThan(0);
  const missing = written.filter(([, id]) => !registered.has(id!)).map(([f, id]) => `src/rules/${f}: ${id}`);
  expect(missing, "a rule's line in the registry of src/rules/index.ts").toEqual([]);
});

describe.each(rules.map((rule) => [rule.id, rule] as const))("rule %s", (id, rule) => {
  const dir = join(root, id);

  it(`has fixture cases in test/fixtures/rules/${id}/, each with its expected findings`, () => {
    const cases = casesOf(id);
    expect(cases.length).toBeGreaterThan(0);
    const findings = cases.map((name) => {
      const path = join(dir, `${name}.findings.json`);
      expect(existsSync(path), path).toBe(true);
      return JSON.parse(readFileSync(path, "utf8")) as ExpectedFinding[];
    });
    // One case at least shows the rule firing; the others may show where it stays quiet.
    expect(findings.some((list) => list.some((f) => f.rule === id))).toBe(true);
    for (const file of readdirSync(dir)) expect(file).toMatch(/\.(yml|findings\.json)$/);
  });

  it("has a case for the fix it makes, when it makes one itself", () => {
    const fixed = casesOf(id).filter((name) => existsSync(join(dir, `${name}.fixed.yml`)));
    if (rule.fix?.apply) expect(fixed.length).toBeGreaterThan(0);
    else expect(fixed).toEqual([]);
  });

  it("has docs: what it means, the way out, the sources, and the fix exactly when it has one", () => {
    expect(rule.summary.trim()).not.toBe("");
    expect(rule.docs.full.trim()).not.toBe("");
    expect(rule.docs.help.trim()).not.toBe("");
    expect(rule.docs.sources.length).toBeGreaterThan(0);
    for (const source of rule.docs.sources) expect(source.trim()).not.toBe("");
    expect(rule.docs.fix !== undefined, "docs.fix and fix go together").toBe(rule.fix !== undefined);
  });

  it("has a `stackmod explain` entry with its docs and sources, and is in the list", () => {
    const explained = explainRule(id);
    expect(explained.ok).toBe(true);
    expect(explained.text.startsWith(`${id} (${rule.severity})\n  ${rule.summary}\n`)).toBe(true);
    const words = (text: string) => text.split(/\s+/).filter(Boolean).join(" ");
    expect(words(explained.text)).toContain(words(rule.docs.full));
    expect(words(explained.text)).toContain(words(rule.docs.help));
    for (const source of rule.docs.sources) expect(explained.text).toContain(`  - ${source}\n`);
    expect(explainRule(undefined).text).toMatch(new RegExp(`^  ${id} +${rule.severity} +`, "m"));
  });

  it("has an item in the README's rules list", () => {
    expect(rulesTable).toMatch(new RegExp(`^- \`${id}\` \\(${rule.severity}\\): `, "m"));
  });
});
