import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { describe, expect, test } from "vitest";
import { testDir } from "../helpers/paths.js";

const root = join(testDir, "..");
const ignorePath = join(root, ".prettierignore");
/** Test data: the tests compare these bytes (or the README's example diffs are made from them). */
const dataFolders = [
  "fixtures",
  "bad-input",
  "schemas",
  "fuzz/regressions",
  "property/regressions",
  "e2e/stacks",
  "engine-api",
  "layered/cases",
];
const data = new RegExp(`^(test/(${dataFolders.join("|")})/|test/corpus-expectations\\.json$|examples/)`);
/** Written by npm, not by hand. */
const generated = new Set(["package-lock.json"]);
const kinds = /\.(ts|mts|cts|mjs|cjs|js|json|md|ya?ml)$/;
const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => kinds.test(file));

async function info(file: string) {
  return prettier.getFileInfo(join(root, file), { ignorePath, resolveConfig: true });
}

describe("the formatter (prettier --check ., run by npm run lint and npm test)", () => {
  test("npm test runs it over the whole repository", () => {
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts as Record<string, string>;
    expect(scripts.lint).toContain("prettier --check .");
    expect(scripts.test).toContain("npm run lint");
  });

  test("covers every file of every kind but test data, and every kind is in the repository", async () => {
    const seen = new Set<string>();
    for (const file of tracked.filter((f) => !data.test(f) && !generated.has(f))) {
      const { ignored, inferredParser } = await info(file);
      expect({ file, ignored, parsed: inferredParser !== null }).toEqual({ file, ignored: false, parsed: true });
      seen.add(file.slice(file.lastIndexOf(".")));
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining([".js", ".json", ".md", ".mjs", ".ts", ".yml"]));
  });

  test("leaves test data alone: its bytes are the test", async () => {
    const files = tracked.filter((f) => data.test(f));
    expect(files.length).toBeGreaterThan(100);
    for (const file of files) expect((await info(file)).ignored, file).toBe(true);
  });

  test.each([
    ["src/x.ts", "const a  =  1\n"],
    ["bin/x.js", "module.exports = {a:1}\n"],
    ["scripts/x.mjs", "export const a = [1,2]\n"],
    ["x.json", '{"a":1,\n"b":2}\n'],
    ["x.yml", "a:   1\n"],
    ["X.md", "Some *emphasis*.\n\n* a list\n"],
  ])("refuses an unformatted %s with the repository's options", async (name, text) => {
    const options = { ...(await prettier.resolveConfig(join(root, name))), filepath: join(root, name) };
    expect(await prettier.check(text, options)).toBe(false);
    expect(await prettier.check(await prettier.format(text, options), options)).toBe(true);
  });
});
