import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { check, StackmodError } from "../../src/index.js";
import { testDir } from "../helpers/paths.js";

const cli = resolve(testDir, "..", "bin", "stackmod.js");
const limit = 5 * 1024 * 1024 - 64;

/** `stackmod check` of the text as stack.yml, through the built binary, with a heap of 256 MiB. */
function checkUnder256MiB(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), "stackmod-bomb-")), "stack.yml");
  writeFileSync(file, text);
  return spawnSync(process.execPath, ["--max-old-space-size=256", cli, "check", file], {
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** Nesting bombs just under the 5 MiB limit: every shape the parser nests on. */
const bombs: [string, string][] = [
  ["flow lists", "[".repeat(limit)],
  ["flow mappings", "{a: ".repeat(limit / 4)],
  ["compact block lists", "- ".repeat(limit / 2)],
  ["explicit keys", "? ".repeat(limit / 2)],
  ["a list inside services", "services:\n  a:\n    ports: " + "[".repeat(limit - 40)],
];

describe("every input under the limits ends with exit 2, quickly, in bounded memory", () => {
  for (const [name, text] of bombs) {
    it(`${name} (${(text.length / 2 ** 20).toFixed(1)} MiB)`, () => {
      // yaml's parser holds one object per open level: unstopped, a bomb exhausts any heap.
      const run = checkUnder256MiB(text);
      expect(run.signal).toBeNull();
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/^\S+stack\.yml:1:\d+: error YAML_TOO_DEEP|:\d+:\d+: error YAML_TOO_DEEP/);
      expect(run.stderr).not.toMatch(/^\s+at /m);
    });
  }

  // yaml's parser goes on after an error: one error, then millions of items, gigabytes before the same verdict.
  const afterAnError: [string, string, string][] = [
    ["a block list on its key's line", "x: " + "- ".repeat((limit - 3) / 2), "1:4"],
    ["the same inside a service", "services:\n  a:\n    ports: " + "- ".repeat((limit - 40) / 2), "3:12"],
  ];
  for (const [name, text, at] of afterAnError) {
    it(`${name} (${(text.length / 2 ** 20).toFixed(1)} MiB): the first syntax error, found before the end`, () => {
      const run = checkUnder256MiB(text);
      expect(run.signal).toBeNull();
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `stack.yml:${at}: error YAML_SYNTAX: Unexpected block-seq-ind on same line with key`,
      );
    });
  }

  it("one duplicate among 20,000 keys is reported at the second key (the time it takes: bench target 6)", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `      K${i}: v`);
    keys.splice(12_000, 0, "      K5: dup");
    const text = ["services:", "  big:", "    image: x", "    environment:", ...keys, ""].join("\n");
    let error: unknown;
    try {
      check(text, { file: "big.yml" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackmodError);
    expect((error as StackmodError).format()).toMatch(/^big\.yml:12005:7: error YAML_DUPLICATE_KEY: the key "K5"/);
  });

  it("a duplicate before a syntax error is the one reported, and the other way round", () => {
    const dupFirst = "services:\n  a: {image: x}\n  a: {image: y}\n  b: [\n";
    const syntaxFirst = "services:\n  b: [\n  a: {image: x}\n  a: {image: y}\n";
    expect(() => check(dupFirst, { file: "s.yml" })).toThrow(/appears twice/);
    expect(() => check(syntaxFirst, { file: "s.yml" })).not.toThrow(/appears twice/);
  });
});
