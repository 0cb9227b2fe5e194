import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { check, rewrite, type RewriteResult } from "../src/index.js";
import { refusedByEngine, sortExpected } from "./helpers/engine-oracle.js";
import { stackConfig } from "./helpers/stack-config.js";
import { changesOutside, serviceRegions } from "./helpers/untouched.js";
import expectations from "./corpus-expectations.json" with { type: "json" };
import { stackmodErrorOf } from "./helpers/stackmod-error.js";
import { findRule } from "../src/rules/index.js";

/** The rules the engine oracle computes from docker stack config's output (the networking ones). */
const oracleRules = new Set([
  "host-plus-network",
  "none-plus-network",
  "host-ingress-port",
  "network-mode-with-networks",
  "network-mode-in-stack",
]);
/** The rules whose findings mean docker stack refuses the file. */
const refusingRules = new Set(["stack-forbidden-key", "stack-refused-key"]);

/**
 * Every file of the shared corpus of real stack and Compose files, against the
 * reviewed expectations in corpus-expectations.json.
 */
interface Expectation {
  dialect: "swarm" | "compose";
  findings?: { rule: string; service: string; line: number }[];
  /** What the stack-compatibility rules find there, reviewed by hand. */
  stackRules?: string;
  error?: { code: string; line: number };
  env?: Record<string, string>;
  companions?: string[];
  stackConfig: string;
  rewrites?: Record<string, unknown>[];
  /** Option sets that stackmod must refuse for this file, with the error code and why (reviewed by hand). */
  refusals?: { why: string; options: Record<string, unknown>; code: string }[];
}

const corpus = resolve(import.meta.dirname, "..", process.env.STACKMOD_CORPUS ?? "../shared/corpus");
const present = existsSync(corpus);
const data = expectations as unknown as Record<string, Expectation>;

describe("corpus", () => {
  it("the corpus folder is there (a failure under CI, a visible skip elsewhere)", (ctx) => {
    if (!present && process.env.CI !== "true") ctx.skip();
    expect(present, `corpus folder ${corpus} (set STACKMOD_CORPUS)`).toBe(true);
  });
  if (!present) return;

  it("the untouched-bytes check sees a byte changed outside the rewritten service", () => {
    const original = "services:\n  a:\n    image: x\n  b:\n    image: y # keep\n";
    const regions = serviceRegions(original, ["a"]);
    expect(regions).toEqual([[2, 3]]);
    expect(changesOutside(original, original.replace("image: x", "image: z\n    ports: [1]"), regions)).toBeUndefined();
    expect(changesOutside(original, original.replace("# keep", "#keep"), regions)).toContain("part 2 of 2");
  });

  const files = readdirSync(corpus)
    .filter((name) => name.endsWith(".yml"))
    .sort();
  it("every corpus file has reviewed expectations, and every expectation a file", () => {
    expect(files).toEqual(
      Object.keys(data)
        .filter((key) => key !== "//")
        .sort(),
    );
  });

  for (const name of files) {
    const expected = data[name];
    if (!expected) continue;
    const text = readFileSync(join(corpus, name), "utf8");
    const env = expected.env ?? {};
    const config = (body: string) =>
      stackConfig({ files: [[name, body]], env, ...(expected.companions ? { companions: expected.companions } : {}) });

    describe(name, () => {
      it("check reports exactly the reviewed findings (or the reviewed error)", () => {
        if (expected.error) {
          const error = stackmodErrorOf(() => check(text, { file: name, env }));
          expect({ code: error.code, line: error.line, file: error.file }).toEqual({ ...expected.error, file: name });
          return;
        }
        const result = check(text, { file: name, env });
        expect(result.dialect).toBe(expected.dialect);
        expect(result.findings.map((f) => ({ rule: f.rule, service: f.service, line: f.line }))).toEqual(
          expected.findings,
        );
      });

      it("docker stack config gives the reviewed verdict, and where it accepts, the engine's view agrees", () => {
        const verdict = config(text);
        const refusing = (expected.findings ?? []).filter((f) => refusingRules.has(f.rule));
        if (expected.stackConfig !== "accepted") {
          expect(verdict.ok ? "accepted" : verdict.error).toContain(expected.stackConfig);
          if (expected.dialect === "swarm" && expected.stackConfig.includes("forbidden properties"))
            expect(refusing.map((f) => f.rule)).toContain("stack-forbidden-key");
          return;
        }
        expect(refusing, "docker stack config accepts the file: no stack rule may say it refuses it").toEqual([]);
        expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
        if (!verdict.ok || expected.error) return;
        const fromEngine = refusedByEngine(verdict.output, expected.dialect);
        const networking = (expected.findings ?? []).filter((f) => oracleRules.has(f.rule));
        expect(sortExpected(networking.map(({ rule, service }) => ({ rule, service })))).toEqual(fromEngine);
      });

      const errors = (expected.findings ?? []).filter((f) => findRule(f.rule)?.severity === "error");
      if (expected.error) return;
      if (errors.length === 0) {
        it("rewrite gives the file back byte for byte", () => {
          const result = rewrite(text, { file: name, env });
          expect(result.changed).toBe(false);
          expect(result.output).toBe(text);
        });
        return;
      }

      for (const { why, options, code } of expected.refusals ?? []) {
        it(`rewrite ${JSON.stringify(options)} is refused with ${code} (${why})`, () => {
          expect(() => rewrite(text, { file: name, env, options })).toThrow(expect.objectContaining({ code }));
        });
      }

      for (const options of expected.rewrites ?? []) {
        const label = JSON.stringify(options);
        const run = (input: string) => rewrite(input, { file: name, env, options });
        it(`rewrite ${label}: only the rewritten services change, it is idempotent, no error is left`, () => {
          const result = run(text);
          expect(result.changed).toBe(true);
          const services = [...new Set(result.applied.map((a) => a.service))];
          expect(services.sort()).toEqual([...new Set(errors.map((f) => f.service))].sort());
          expect(changesOutside(text, result.output, serviceRegions(text, services))).toBeUndefined();
          expectSameFraming(text, result);
          const second = run(result.output);
          expect(second.output).toBe(result.output);
          expect(
            check(result.output, { file: name, env, target: expected.dialect }).findings.filter(
              (f) => f.severity === "error",
            ),
          ).toEqual([]);
        });
        if (expected.stackConfig === "accepted") {
          it(`rewrite ${label}: docker stack config accepts the output`, () => {
            const verdict = config(run(text).output);
            expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
          });
        }
      }
    });
  }
});

/** Line ends, BOM and the final newline are the file's own. */
function expectSameFraming(original: string, result: RewriteResult): void {
  const output = result.output;
  expect(output.startsWith("\uFEFF")).toBe(original.startsWith("\uFEFF"));
  expect(output.endsWith("\n")).toBe(original.endsWith("\n"));
  const crlf = (text: string) => (text.match(/\r\n/g) ?? []).length;
  const lf = (text: string) => (text.match(/\n/g) ?? []).length;
  if (crlf(original) === lf(original)) expect(crlf(output)).toBe(lf(output));
  if (crlf(original) === 0) expect(crlf(output)).toBe(0);
}
