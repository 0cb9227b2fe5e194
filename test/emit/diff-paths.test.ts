import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { testDir } from "../helpers/paths.js";

const example = readFileSync(resolve(testDir, "..", "examples", "bacnet-stack.yml"), "utf8");
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "core.quotePath=true", ...args], { cwd, encoding: "utf8", stdio: "pipe" });

describe("diff headers name the file the way git does", () => {
  it.each([
    "plain.yml",
    "with space.yml",
    "tab\there.yml",
    "new\nline.yml",
    'quo"te.yml',
    "back\\slash.yml",
    "ünï.yml",
  ])("%j: the same ---/+++ lines as git diff, and git apply takes the diff", (name) => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-diff-"));
    git(dir, "init", "-q");
    writeFileSync(join(dir, name), example);
    const { diff, output } = rewrite(example, { file: name });
    writeFileSync(join(dir, name), output);
    const headers = (text: string) => text.split("\n").filter((line) => /^(---|\+\+\+) /.test(line));
    git(dir, "add", "-N", "--", name);
    // git shows a new file against /dev/null: compare the +++ line, and the --- line with its a/ side.
    const theirs = headers(git(dir, "diff", "--", name)).at(-1);
    expect(headers(diff)[1]).toBe(theirs);
    writeFileSync(join(dir, name), example);
    writeFileSync(join(dir, "change.patch"), diff);
    git(dir, "apply", "change.patch");
    expect(readFileSync(join(dir, name), "utf8")).toBe(output);
  });

  it("an absolute path: the headers git diff --no-index prints, and git apply takes the diff from /", () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-diff-"));
    const file = join(dir, "stack.yml");
    writeFileSync(file, example);
    const { diff, output } = rewrite(example, { file });
    writeFileSync(join(dir, "new.yml"), output);
    let theirs = "";
    try {
      git(dir, "diff", "--no-index", "--", file, join(dir, "new.yml"));
    } catch (error) {
      theirs = (error as { stdout: string }).stdout; // exit 1: the files differ
    }
    const headers = (text: string) => text.split("\n").filter((line) => /^(---|\+\+\+) /.test(line));
    expect(headers(diff)[0]).toBe(headers(theirs)[0]);
    expect(headers(diff)[0]).toBe(`--- a${file}`);
    writeFileSync(join(dir, "change.patch"), diff);
    git("/", "apply", join(dir, "change.patch"));
    expect(readFileSync(file, "utf8")).toBe(output);
  });
});
