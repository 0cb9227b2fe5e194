import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkExtraFile, rewrite, rewriteFile, StackmodError } from "../../src/index.js";
import { runCli } from "../helpers/run-cli.js";
import { testDir } from "../helpers/paths.js";

const example = readFileSync(resolve(testDir, "..", "examples", "multicast-gateway-stack.yml"), "utf8");

/** The example, with its setup script sent to `script` by the file itself (as a stranger's file could). */
function folderWith(script: string): { dir: string; stack: string; text: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "stackmod-extra-")));
  const stack = join(dir, "stack.yml");
  const text = example.replace("      lan:\n", `      lan:\n        script: ${JSON.stringify(script)}\n`);
  writeFileSync(stack, text);
  return { dir, stack, text };
}

/** Every file under `dir` with its text, to show that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) files[path] = readFileSync(path, "utf8");
  }
  return files;
}

async function refused(dir: string, stack: string, args: string[] = [], why: RegExp): Promise<void> {
  const before = snapshot(dir);
  for (const mode of [["--write"], []]) {
    const run = await runCli(["rewrite", stack, ...mode, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(why);
    // At the option in the file that chose the path.
    if (!args.includes("--lan-script")) expect(run.stderr).toContain(`${stack}:17:17: error BAD_OPTION`);
    expect(run.stderr).toContain("nothing was written");
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }
  expect(snapshot(dir)).toEqual(before);
}

describe("extra files (the lan setup script) never leave the stack file's folder or replace what is not ours", () => {
  it("the stack file itself", async () => {
    const { dir, stack } = folderWith("stack.yml");
    await refused(dir, stack, [], /stack\.yml, which this run reads/);
  });

  it("the stack file through ./ and a sub-folder's ..-free detour", async () => {
    const { dir, stack } = folderWith("./stack.yml");
    await refused(dir, stack, [], /which this run reads/);
  });

  it("a hard link to the stack file", async () => {
    const { dir, stack } = folderWith("copy.sh");
    linkSync(stack, join(dir, "copy.sh"));
    await refused(dir, stack, [], /which this run reads/);
  });

  it("another input of the run: the --config file", async () => {
    const { dir, stack } = folderWith("options.yml");
    writeFileSync(join(dir, "options.yml"), "strategy: lan\n");
    await refused(dir, stack, ["--config", join(dir, "options.yml")], /options\.yml, which this run reads/);
  });

  it("a file the user wrote (README.md)", async () => {
    const { dir, stack } = folderWith("README.md");
    writeFileSync(join(dir, "README.md"), "# my project\n");
    await refused(dir, stack, [], /exists and stackmod did not write it/);
  });

  it("a git hook, existing or not", async () => {
    const { dir, stack } = folderWith(".git/hooks/pre-commit");
    mkdirSync(join(dir, ".git", "hooks"), { recursive: true });
    await refused(dir, stack, [], /inside a \.git folder/);
    const upper = folderWith(".GIT/hooks/post-checkout");
    await refused(upper.dir, upper.stack, [], /inside a \.git folder/);
  });

  it("a stack file inside .git/hooks, or inside a bare repository's hooks: never a hook beside it", async () => {
    const { dir } = folderWith("pre-commit");
    const hooks = join(dir, "repo", ".git", "hooks");
    mkdirSync(hooks, { recursive: true });
    const inGit = join(hooks, "stack.yml");
    writeFileSync(inGit, readFileSync(join(dir, "stack.yml"), "utf8"));
    await refused(dir, inGit, [], /pre-commit": it is inside a \.git folder/);
    const bare = join(dir, "shared.git");
    for (const folder of ["hooks", "objects", "refs"]) mkdirSync(join(bare, folder), { recursive: true });
    writeFileSync(join(bare, "HEAD"), "ref: refs/heads/main\n");
    const inBare = join(bare, "hooks", "stack.yml");
    writeFileSync(inBare, readFileSync(join(dir, "stack.yml"), "utf8"));
    await refused(dir, inBare, [], new RegExp(`it is inside the git folder ${bare}`));
  });

  it("two stack files of one run naming one script: the second is refused, the first's script stays", async () => {
    const { dir, stack } = folderWith("setup.sh");
    const other = join(dir, "z-other.yml");
    writeFileSync(other, readFileSync(stack, "utf8").replaceAll("building-lan", "campus-lan"));
    const texts = { stack: readFileSync(stack, "utf8"), other: readFileSync(other, "utf8") };
    for (const mode of [[], ["--write"]]) {
      const run = await runCli(["rewrite", dir, ...mode]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        `${other}:17:17: error BAD_OPTION: stackmod will not write "${join(dir, "setup.sh")}": ${stack} in this ` +
          "run writes it too (each stack file needs a script of its own); nothing was written.",
      );
    }
    expect(readFileSync(join(dir, "setup.sh"), "utf8")).toBe(
      rewrite(texts.stack, { file: stack }).extraFiles[0]!.content,
    );
    expect(readFileSync(other, "utf8")).toBe(texts.other);
  });

  it("a symlinked sub-folder that leads out of the folder", async () => {
    const outside = mkdtempSync(join(tmpdir(), "stackmod-outside-"));
    const { dir, stack } = folderWith("sub/setup.sh");
    symlinkSync(outside, join(dir, "sub"));
    await refused(dir, stack, [], /through the symlink .*sub out of the stack file's folder/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it("a symlink (dangling or not) as the script itself", async () => {
    const outside = join(mkdtempSync(join(tmpdir(), "stackmod-outside-")), "planted.sh");
    const { dir, stack } = folderWith("setup.sh");
    symlinkSync(outside, join(dir, "setup.sh"));
    await refused(dir, stack, [], /symlink .*setup\.sh/);
    expect(existsSync(outside)).toBe(false);
  });

  it("a symlink to a file inside the folder is judged as that file", async () => {
    const { dir, stack } = folderWith("setup.sh");
    symlinkSync("stack.yml", join(dir, "setup.sh"));
    await refused(dir, stack, [], /which this run reads/);
  });

  it("a folder, not a file", async () => {
    const { dir, stack } = folderWith("setup");
    mkdirSync(join(dir, "setup"));
    await refused(dir, stack, [], /not a regular file/);
  });

  it("a new file in a new sub-folder is written; an earlier stackmod script is replaced", async () => {
    const { dir, stack, text } = folderWith("setup/lan.sh");
    const first = await runCli(["rewrite", stack, "--write"]);
    expect(first.code).toBe(0);
    const script = join(dir, "setup", "lan.sh");
    expect(readFileSync(script, "utf8")).toBe(rewrite(text, { file: stack }).extraFiles[0]!.content);
    writeFileSync(stack, text.replace("building-lan", "campus-lan"));
    const second = await runCli(["rewrite", stack, "--write"]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`replaced ${script}`);
    expect(readFileSync(script, "utf8")).toContain("campus-lan");
  });

  it("the library's rewriteFile follows the same rule, writing or not", () => {
    const { dir, stack } = folderWith("README.md");
    writeFileSync(join(dir, "README.md"), "# my project\n");
    const before = snapshot(dir);
    for (const write of [true, false]) {
      expect(() => rewriteFile(stack, { write })).toThrow(StackmodError);
      expect(() => rewriteFile(stack, { write })).toThrow(/stackmod did not write it/);
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("--lan-script from the command line", () => {
  it("is held to the same rule, the error said to come from outside the file", async () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "stackmod-extra-")));
    const stack = join(dir, "stack.yml");
    writeFileSync(stack, example);
    const run = await runCli(["rewrite", stack, "--write", "--lan-script", "stack.yml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("<command line or --config>:1:1: error BAD_OPTION");
    expect(readFileSync(stack, "utf8")).toBe(example);
  });
});

describe("an extra file of any strategy", () => {
  it("refused, says to set the option that chooses its path, the strategy's own", () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "stackmod-extra-")));
    const stack = join(dir, "stack.yml");
    const file = { path: join(dir, "..", "notes.txt"), content: "x\n", mode: 0o644, signature: "x" };
    const error = (() => {
      try {
        checkExtraFile({ ...file, pathOption: "hold.notes (or --hold-notes)" }, { stackFile: stack });
      } catch (thrown) {
        return thrown as StackmodError;
      }
    })();
    expect(error?.message).toBe(
      `stackmod will not write ${JSON.stringify(file.path)}: it is not inside the stack file's folder; nothing ` +
        "was written. Set hold.notes (or --hold-notes) to a new file name beside the stack file",
    );
  });
});
