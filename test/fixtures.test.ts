import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, rewrite } from "../src/index.js";
import { dockerComposeConfigError, dockerStackConfigError } from "./helpers/docker.js";
import { formatFlow } from "../src/analysis/flows.js";

/**
 * Fixture pairs `test/fixtures/<group>/<case>.input.yml` / `.output.yml`, compared
 * byte for byte. `<case>.options.json` holds the options given as flags (the shape
 * of the top-level x-stackmod block); `<case>.target` forces swarm or compose; `<case>.fix` lists the
 * rules whose warnings are fixed too, one a line (`--fix RULE`, or `all`).
 * Every output is also rewritten again and must not change (idempotence), must
 * hold no error finding, and, for stack files, must pass `docker stack config`; a
 * Compose output must pass `docker-compose config` (Debian's v1, .ci/install-deps.sh).
 * `<case>.report.json`, where present, holds what the report must say about the input as
 * data: its findings (rule, service, line, column), what was applied or skipped, and the notes.
 * `<case>.flows.txt`, where present, holds the flow report expected for the case, one flow a line.
 */
const root = join(import.meta.dirname, "fixtures");

// fixtures/rules/RULE/ has its own runner (rule-fixtures.test.ts).
for (const group of readdirSync(root)
  .filter((name) => name !== "rules")
  .sort()) {
  const dir = join(root, group);
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith(".input.yml"))
    .map((f) => f.replace(/\.input\.yml$/, ""))
    .sort();
  describe(`fixtures/${group}`, () => {
    for (const name of cases) {
      const read = (suffix: string) =>
        existsSync(join(dir, name + suffix)) ? readFileSync(join(dir, name + suffix), "utf8") : undefined;
      const input = read(".input.yml")!;
      const expected = read(".output.yml");
      const options = JSON.parse(read(".options.json") ?? "{}") as Record<string, unknown>;
      const target = read(".target")?.trim() as "swarm" | "compose" | undefined;
      const fix = read(".fix")?.split("\n").filter(Boolean);
      const run = (text: string) =>
        rewrite(text, { file: `${name}.yml`, options, ...(target ? { target } : {}), ...(fix ? { fix } : {}) });

      it(`${name}: output matches byte for byte`, () => {
        expect(expected, `missing ${name}.output.yml`).toBeDefined();
        expect(run(input).output).toBe(expected);
      });

      const flows = read(".flows.txt");
      if (flows !== undefined) {
        it(`${name}: the flows are the expected ones`, () => {
          expect(run(input).flows.map(formatFlow).join("\n") + "\n").toBe(flows);
        });
      }

      const report = read(".report.json");
      if (report !== undefined) {
        it(`${name}: findings, applied, skipped and notes as expected`, () => {
          const result = run(input);
          expect({
            findings: result.findings.map((f) => ({
              rule: f.rule,
              service: f.service,
              line: f.line,
              column: f.column,
            })),
            applied: result.applied,
            skipped: result.skipped,
            notes: result.notes,
          }).toEqual(JSON.parse(report));
        });
      }

      it(`${name}: a second run changes nothing`, () => {
        const second = run(expected!);
        expect(second.output).toBe(expected);
        expect(second.changed).toBe(false);
      });

      it(`${name}: no error finding is left`, () => {
        const findings = check(expected!, { file: name, ...(target ? { target } : {}) }).findings;
        expect(findings.filter((f) => f.severity === "error")).toEqual([]);
      });

      if (check(input, { file: name, ...(target ? { target } : {}) }).dialect === "compose") {
        it(`${name}: docker-compose config accepts the output (Compose)`, () => {
          expect(dockerComposeConfigError(expected!)).toBeUndefined();
        });
      }

      if (target !== "compose" && !input.includes("network_mode")) {
        it(`${name}: docker stack config accepts the output`, () => {
          expect(dockerStackConfigError(expected!)).toBeUndefined();
        });
      }
    }
  });
}
