import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { check, rewrite } from "../../src/index.js";
import { rules } from "../../src/rules/index.js";
import { stackConfig } from "../helpers/stack-config.js";
import { testDir } from "../helpers/paths.js";

/**
 * One folder per rule, test/fixtures/rules/RULE/: each CASE.yml with CASE.findings.json
 * (the findings check must report, as data) and, for a fix, CASE.fixed.yml: the output of
 * `rewrite --fix RULE`, byte for byte, idempotent, and accepted by the real `docker stack config`.
 * coverage.test.ts checks that every rule has such a folder, and a fixed case for a fix it makes.
 */
const root = join(testDir, "fixtures", "rules");

for (const rule of rules) {
  // A rule without its folder fails here, when the tests are collected (and in coverage.test.ts).
  const dir = join(root, rule.id);
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith(".yml") && !f.endsWith(".fixed.yml"))
    .map((f) => f.slice(0, -4))
    .sort();
  describe(`rules/${rule.id}`, () => {
    for (const name of cases) {
      const read = (suffix: string) =>
        existsSync(join(dir, name + suffix)) ? readFileSync(join(dir, name + suffix), "utf8") : undefined;
      const input = read(".yml")!;
      const file = `${rule.id}/${name}.yml`;
      test(`${name}: the findings are the expected ones`, () => {
        const expected = JSON.parse(read(".findings.json")!) as unknown[];
        const findings = check(input, { file }).findings.map(({ rule, severity, service, line, column }) => ({
          rule,
          severity,
          service,
          line,
          column,
        }));
        expect(findings).toEqual(expected);
        expect(findings.some((f) => f.rule === rule.id)).toBe(true);
      });
      const fixed = read(".fixed.yml");
      if (fixed === undefined) continue;
      test(`${name}: rewrite --fix ${rule.id} gives ${name}.fixed.yml byte for byte, and again nothing`, () => {
        const result = rewrite(input, { file, fix: [rule.id] });
        expect(result.output).toBe(fixed);
        expect(rewrite(fixed, { file, fix: [rule.id] }).output).toBe(fixed);
        // What is left of the rule are findings the input had (keys without a fix), fewer than before.
        const before = check(input, { file }).findings.filter((f) => f.rule === rule.id);
        const after = check(fixed, { file }).findings.filter((f) => f.rule === rule.id);
        expect(after.length).toBeLessThan(before.length);
        for (const left of after) expect(before.map((f) => f.message)).toContain(left.message);
        expect(check(fixed, { file }).findings.filter((f) => f.severity === "error")).toEqual([]);
      });
      test(`${name}: docker stack config accepts ${name}.fixed.yml`, () => {
        const verdict = stackConfig({ files: [[`${name}.yml`, fixed]] });
        expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
      });
    }
  });
}
