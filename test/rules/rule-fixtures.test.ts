import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { check, rewrite } from "../../src/index.js";
import { checkLayered } from "../../src/layered/layered.js";
import { rules, type Finding } from "../../src/rules/index.js";
import type { Rule } from "../../src/rules/rule.js";
import { stackConfig } from "../helpers/stack-config.js";
import { testDir } from "../helpers/paths.js";

/**
 * One folder per rule, test/fixtures/rules/RULE/: each CASE.yml with CASE.findings.json
 * (the findings check must report, as data) and, for a fix, CASE.fixed.yml: the output of
 * `rewrite --fix RULE`, byte for byte, idempotent, and accepted by the real `docker stack config`.
 * A layered case is CASE.yml with CASE.override.yml: `check -c CASE.yml -c CASE.override.yml`, its
 * findings each with the file that writes what it is about, and the real `docker stack config -c ... -c ...`
 * agreeing that it reaches the merged stack.
 * coverage.test.ts checks that every rule has such a folder, and a fixed case for a fix it makes.
 */
const root = join(testDir, "fixtures", "rules");

for (const rule of rules) {
  // A rule without its folder fails here, when the tests are collected (and in coverage.test.ts).
  const dir = join(root, rule.id);
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith(".yml") && !f.endsWith(".fixed.yml") && !f.endsWith(".override.yml"))
    .map((f) => f.slice(0, -4))
    .sort();
  describe(`rules/${rule.id}`, () => {
    for (const name of cases) {
      const read = (suffix: string) =>
        existsSync(join(dir, name + suffix)) ? readFileSync(join(dir, name + suffix), "utf8") : undefined;
      const input = read(".yml")!;
      const file = `${rule.id}/${name}.yml`;
      const override = read(".override.yml");
      if (override !== undefined) {
        layeredCase(rule, name, input, override, JSON.parse(read(".findings.json")!) as unknown[]);
        continue;
      }
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

/** `check -c CASE.yml -c CASE.override.yml`, and docker's own merge of the two files as the oracle. */
function layeredCase(rule: Rule, name: string, base: string, override: string, expected: unknown[]): void {
  const layers = [
    { file: `${rule.id}/${name}.yml`, text: base },
    { file: `${rule.id}/${name}.override.yml`, text: override },
  ];
  const found = () => checkLayered(layers).findings;
  test(`${name}: check -c ${name}.yml -c ${name}.override.yml gives the expected findings, each in its file`, () => {
    const findings = found().map(({ rule, severity, service, file, line, column }) => ({
      rule,
      severity,
      service,
      file,
      line,
      column,
    }));
    expect(findings).toEqual(expected);
    expect(findings.some((f) => f.rule === rule.id)).toBe(true);
  });
  test(`${name}: docker stack config -c ${name}.yml -c ${name}.override.yml sees what each finding is about`, () => {
    const findings = found().filter((f) => f.rule === rule.id);
    const verdict = stackConfig({
      files: [
        [`${name}.yml`, base],
        [`${name}.override.yml`, override],
      ],
    });
    // docker stack refuses a file with a key its schema or its loader forbids; what the engine refuses, it prints.
    const errors = findings.filter((f) => f.severity === "error" && rule.tag === "stack-compatibility");
    if (errors.length > 0) {
      // docker stops at the first violation of the first file that has one: it names one of them.
      expect(verdict.ok).toBe(false);
      const said = verdict.ok ? "" : verdict.error;
      expect(
        errors.some((f) => dockerNames(rule, f, said)),
        said,
      ).toBe(true);
      if (!errors.some((f) => f.file === layers[0]!.file)) {
        const alone = stackConfig({ files: [[`${name}.yml`, base]] });
        expect(alone.ok ? "accepted" : alone.error, "the base alone").toBe("accepted");
      }
      return;
    }
    expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
    const merged = parse(verdict.ok ? verdict.output : "") as {
      services: Record<string, Record<string, unknown> & { ports?: { published: number; target: number }[] }>;
      networks?: Record<string, { driver?: string }>;
    };
    for (const finding of findings) {
      if (finding.service === "") {
        // A network declaration: the one docker's merge keeps is the one the finding is about.
        const network = /network "([^"]+)"/.exec(finding.message)![1]!;
        expect(merged.networks?.[network]?.driver, network).toBe("host");
        continue;
      }
      const service = merged.services[finding.service]!;
      if (finding.key !== undefined) {
        expect(service[finding.key], `${finding.service}.${finding.key}`).toBeDefined();
        continue;
      }
      // A port: the one docker publishes at that port number is the one the finding quotes.
      const raw = /"([^"]+)"/.exec(finding.message)![1]!;
      const [published, target] = raw.split(":").slice(-2).map(Number);
      expect(service.ports, raw).toContainEqual(expect.objectContaining({ published, target }));
    }
  });
}

/** docker's error is the one the finding quotes, or one of the rule's engine texts. */
function dockerNames(rule: Rule, finding: Finding, error: string): boolean {
  const quoted = /\("([^"]+)"\)/.exec(finding.message)?.[1];
  if (quoted !== undefined && error.includes(quoted)) return true;
  return rule.texts.some((text) => error.includes(text.text));
}
