import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, formatFinding, rules, type Finding, type RuleId } from "../../src/index.js";
import { testDir } from "../helpers/paths.js";

/**
 * What `rewrite` does with each rule's errors, for every rule of the registry: it fixes them, or
 * it leaves them and says so in every format (text, json, sarif, github) at the rule's position,
 * and `--check` fails on them as `check` does. A rule added to the registry without its line here
 * fails to compile (the table is keyed by RuleId) and fails the first test.
 * Through the built binary (npm run build first), as a user runs it.
 */
type Expectation =
  /** `rewrite` fixes every finding of the case: none is left in its output. */
  | { outcome: "fixed"; input: Input; args?: string[] }
  /** Some finding of the case has no fix: it is left, and reported as left. */
  | { outcome: "remains"; input: Input }
  /** The rule only warns: `rewrite --check` does not fail on it. */
  | { outcome: "warning"; input: Input };

/** A case of test/fixtures/rules/RULE/, or a text of its own. */
type Input = { fixture: string } | { text: string };

/** A fix above the network moves it two lines down in the output: the positions on disk differ before and after. */
const hostDriverBelowAFix =
  'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    mem_limit: 1g\n    deploy:\n      replicas: 1\n' +
  "networks:\n  hostnet:\n    driver: host\n";

const table: Record<RuleId, Expectation> = {
  "host-plus-network": { outcome: "fixed", input: { fixture: "stack" }, args: ["--port", "bacnet=47808/udp"] },
  "none-plus-network": { outcome: "fixed", input: { fixture: "stack" } },
  "host-ingress-port": { outcome: "fixed", input: { fixture: "stack" } },
  "network-mode-with-networks": { outcome: "fixed", input: { fixture: "compose" } },
  "network-mode-in-stack": { outcome: "warning", input: { fixture: "stack" } },
  "stack-ignored-key": { outcome: "warning", input: { fixture: "stack" } },
  "stack-deprecated-key": { outcome: "warning", input: { fixture: "stack" } },
  "stack-forbidden-key": { outcome: "remains", input: { fixture: "no-fix" } },
  "stack-refused-key": { outcome: "remains", input: { fixture: "no-fix" } },
  "stack-host-ip": { outcome: "warning", input: { fixture: "stack" } },
  "host-network-ports": { outcome: "warning", input: { fixture: "compose" } },
  "host-driver-network": { outcome: "remains", input: { text: hostDriverBelowAFix } },
  "lan-without-gateway": { outcome: "warning", input: { fixture: "compose" } },
  "compose-protocol-case": { outcome: "warning", input: { fixture: "compose" } },
  "deploy-mode-case": { outcome: "fixed", input: { fixture: "stack" } },
};

const bin = join(testDir, "..", "bin", "stackmod.js");
const dir = mkdtempSync(join(tmpdir(), "stackmod-remaining-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function stackmod(args: string[]): Run {
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "" },
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function textOf(rule: RuleId, input: Input): string {
  if ("text" in input) return input.text;
  return readFileSync(join(testDir, "fixtures", "rules", rule, `${input.fixture}.yml`), "utf8");
}

const errorsOf = (findings: Finding[]) => findings.filter((f) => f.severity === "error");
const place = (f: { rule: string; line: number; column: number }) => `${f.rule} ${f.line}:${f.column}`;

it("every rule of the registry has its line in the table", () => {
  expect(Object.keys(table).sort()).toEqual(rules.map((rule) => rule.id).sort());
});

describe.each(rules.map((rule) => [rule.id, rule] as const))("rewrite and %s", (id, rule) => {
  // Compiling refuses a rule without its line; a run without compiling (vitest alone) says which line is missing.
  const expectation = table[id] as Expectation | undefined;
  if (!expectation) throw new Error(`${id}: no line in the table of test/cli/rewrite-remaining.test.ts`);
  const file = `${id}.yml`;
  const input = textOf(id, expectation.input);
  const path = join(dir, file);

  if (expectation.outcome === "warning") {
    it("warns only: rewrite --check does not fail on it, and prints the warning", () => {
      expect(rule.severity).toBe("warning");
      const found = check(input, { file }).findings.filter((f) => f.rule === id);
      expect(found.length).toBeGreaterThan(0);
      writeFileSync(path, input);
      const run = stackmod(["rewrite", "--check", file]);
      expect(run.code, run.stderr).toBe(0);
      for (const finding of found) expect(run.stderr).toContain(formatFinding(finding));
    });
    return;
  }

  if (expectation.outcome === "fixed") {
    it("is fixed by the rewrite: none of its errors is left in the output", () => {
      expect(errorsOf(check(input, { file }).findings).some((f) => f.rule === id)).toBe(true);
      writeFileSync(path, input);
      const written = stackmod(["rewrite", "--write", file, ...(expectation.args ?? [])]);
      expect(written.code, written.stderr).toBe(0);
      const output = readFileSync(path, "utf8");
      expect(output).not.toBe(input);
      expect(errorsOf(check(output, { file }).findings)).toEqual([]);
    });
    return;
  }

  describe("is left by the rewrite, which says so in every format and fails --check on it", () => {
    // What check says of the file as rewritten is the oracle: its errors are what the rewrite leaves.
    let written: Run;
    let after: Finding[];
    // The same errors, where the user finds them until the file is written.
    let asRead: Finding[];
    beforeAll(() => {
      writeFileSync(path, input);
      written = stackmod(["rewrite", "--write", file]);
      after = errorsOf(check(readFileSync(path, "utf8"), { file }).findings);
      const before = errorsOf(check(input, { file }).findings);
      asRead = before.filter((f) => after.some((a) => a.rule === f.rule && a.message === f.message));
    });
    const runCheck = (format: string) => {
      writeFileSync(path, input);
      return stackmod(["rewrite", "--check", "--format", format, file]);
    };

    it("has an error of the rule that no fix covers", () => {
      expect(after.some((f) => f.rule === id)).toBe(true);
      expect(asRead.length).toBe(after.length);
      // The case of its own has a fix above what is left: its place on disk moves with --write.
      if ("text" in expectation.input) expect(asRead.map(place)).not.toEqual(after.map(place));
    });

    it("--write: exit 0 (not asked to fix what it cannot), each error left printed where the output has it", () => {
      expect(written.code, written.stderr).toBe(0);
      for (const finding of after) expect(written.stderr).toContain(formatFinding(finding) + "\n");
    });

    it("text: --check exits 1 and prints each error left where the input has it", () => {
      const run = runCheck("text");
      expect(run.code, run.stderr).toBe(1);
      for (const finding of asRead) expect(run.stderr).toContain(formatFinding(finding) + "\n");
    });

    it("json: --check exits 1; `remaining` holds each error left, at its place in the output", () => {
      const run = runCheck("json");
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as { exitCode: number; files: { remaining: Finding[] }[] };
      expect(report.exitCode).toBe(1);
      expect(errorsOf(report.files[0]!.remaining).map(place)).toEqual(after.map(place));
    });

    it("sarif: --check exits 1; each error left is a result at its place, marked remainsAfterRewrite", () => {
      const run = runCheck("sarif");
      expect(run.code).toBe(1);
      interface Result {
        ruleId: string;
        locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
        properties: { remainsAfterRewrite?: boolean };
      }
      const log = JSON.parse(run.stdout) as { runs: { results: Result[]; invocations: { exitCode: number }[] }[] };
      expect(log.runs[0]!.invocations[0]!.exitCode).toBe(1);
      const left = log.runs[0]!.results.filter((r) => r.properties.remainsAfterRewrite === true);
      const at = (r: Result) => r.locations[0]!.physicalLocation.region;
      expect(left.map((r) => `${r.ruleId} ${at(r).startLine}:${at(r).startColumn}`)).toEqual(asRead.map(place));
    });

    it("github: --check exits 1 and annotates each error left at its place", () => {
      const run = runCheck("github");
      expect(run.code).toBe(1);
      for (const finding of asRead) {
        expect(run.stdout).toContain(
          `::error file=${file},line=${finding.line},col=${finding.column},title=stackmod ${finding.rule}::`,
        );
      }
    });
  });
});
