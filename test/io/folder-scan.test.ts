import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scanPaths } from "../../src/io/scan.js";
import { runCli } from "../helpers/run-cli.js";
import { testDir } from "../helpers/paths.js";

const example = readFileSync(resolve(testDir, "..", "examples", "bacnet-stack.yml"), "utf8");
const compose = "services:\n  web:\n    image: nginx:1.27\n";
const root = mkdtempSync(join(tmpdir(), "stackmod-scan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder under the temporary root, with files (and folders) from `files`; a value of null makes a folder. */
function tree(name: string, files: Record<string, string | null>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    if (text === null) mkdirSync(join(dir, path), { recursive: true });
    else {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  }
  return dir;
}

const relative = (dir: string, paths: string[]) => paths.map((p) => p.slice(dir.length + 1));

describe("folder scans", () => {
  it("every .yml/.yaml with a top-level services:, whatever its name; other YAML, .git, node_modules left out", () => {
    const dir = tree("odd-names", {
      "jitsi.yml": example,
      "frigate.YAML": compose,
      "flow.yml": "# flow style\n{services: {a: {image: x}}}\n",
      "quoted.yaml": '"services":\n  a: {image: x}\n',
      "bom.yml": "\ufeffservices:\n  a: {image: x}\n",
      "notes.txt": compose,
      ".github/workflows/ci.yml": "name: CI\non: push\njobs:\n  build:\n    services:\n      db: {image: postgres}\n",
      "k8s/service.yaml": "apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: Deployment\n",
      ".git/stack.yml": example,
      "node_modules/pkg/compose.yml": compose,
      "sub/deeper/stack.yml": example,
    });
    const listing = scanPaths([dir]);
    expect(
      relative(
        dir,
        listing.inputs.map((i) => i.path),
      ),
    ).toEqual(["bom.yml", "flow.yml", "frigate.YAML", "jitsi.yml", "quoted.yaml", "sub/deeper/stack.yml"]);
    expect(listing.skipped.map((s) => [s.path.slice(dir.length + 1), s.reason, s.quiet])).toEqual([
      [".github/workflows/ci.yml", "no top-level `services:`", true],
      ["k8s/service.yaml", "no top-level `services:`", true],
    ]);
  });

  it("check of the folder: the skipped YAML is listed under --verbose only", async () => {
    const dir = tree("verbose", { "a.yml": compose, "ci.yml": "jobs: {}\n" });
    const quiet = await runCli(["check", dir]);
    expect(quiet).toEqual({ code: 0, stdout: "", stderr: "" });
    const verbose = await runCli(["check", dir, "--verbose"]);
    expect(verbose.code).toBe(0);
    expect(verbose.stderr.split("\n")[0]).toBe(`stackmod: skipped ${join(dir, "ci.yml")}: no top-level \`services:\``);
  });

  it("a folder without a stack or Compose file is exit 2, as eslint and prettier do for an empty pattern", async () => {
    const empty = tree("empty", {});
    const onlyCi = tree("only-ci", { "ci.yml": "jobs: {}\n", "k.yaml": "kind: Pod\n" });
    const run = await runCli(["check", empty, onlyCi]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `${empty}:1:1: error NO_STACK_FILES: no stack or Compose file in this folder (a .yml or .yaml file whose top ` +
        `level has \`services:\`): name the files, or check another folder\n` +
        `${onlyCi}:1:1: error NO_STACK_FILES: no stack or Compose file in this folder (a .yml or .yaml file whose ` +
        `top level has \`services:\`); 2 other entries skipped (--verbose lists them): name the files, or ` +
        `check another folder\n`,
    );
    expect((await runCli(["rewrite", empty, "--write"])).code).toBe(2);
  });

  it("an override file found beside its base gets the layered command; its undeclared network says -c", async () => {
    const dir = tree("override", {
      "compose.yaml": "services:\n  web:\n    image: nginx\n    networks: [backend]\nnetworks:\n  backend: {}\n",
      "compose.override.yaml": "services:\n  web:\n    networks: [backend, extra]\n",
    });
    const run = await runCli(["check", dir]);
    expect(run.code).toBe(2);
    const base = join(dir, "compose.yaml");
    const override = join(dir, "compose.override.yaml");
    expect(run.stderr).toBe(
      `warning: ${override} overrides ${base}: checked alone here, while it is deployed layered over it; check the ` +
        `two together: stackmod check -c ${base} -c ${override}\n` +
        `${override}:3:16: error UNDECLARED_NETWORK: service "web" uses network "backend", which is not declared ` +
        `under the top-level \`networks:\`; declare it there (\`backend: {}\`, or \`backend: {external: ` +
        `true, name: host}\` if it is the host network), or, if this file overrides another, check the two ` +
        `layered: stackmod check -c BASE.yml -c ${override}\n`,
    );
    // Named by hand, the override is the user's choice: no warning.
    expect((await runCli(["check", base])).stderr).toBe("");
  });

  it("a FIFO found in a scan is skipped and said so, never opened for reading", async () => {
    const dir = tree("fifo", { "stack.yml": compose });
    execFileSync("mkfifo", [join(dir, "pipe.yml")]);
    const run = await runCli(["check", dir]);
    expect(run).toEqual({
      code: 0,
      stdout: "",
      stderr:
        `warning: ${join(dir, "pipe.yml")}: skipped: not a regular file (a FIFO); stackmod reads only regular ` +
        `files\n`,
    });
  });

  it("symlink loops: each real folder is walked once, and none outside the folder given", () => {
    const dir = tree("loops", { "a/stack.yml": example, "b/compose.yml": compose });
    symlinkSync("..", join(dir, "a", "up")); // a loop back to the root
    symlinkSync(join(dir, "b"), join(dir, "a", "to-b")); // a second way into b
    symlinkSync(join(dir, "a"), join(dir, "b", "to-a")); // and back: two loops
    symlinkSync(root, join(dir, "outside")); // the temporary root, which holds the other trees
    const listing = scanPaths([dir]);
    expect(
      relative(
        dir,
        listing.inputs.map((i) => i.path),
      ),
    ).toEqual(["a/stack.yml", "b/compose.yml"]);
    expect(listing.skipped.map((s) => s.path.slice(dir.length + 1))).toEqual(["outside"]);
    // The same file through two paths, or a folder and a file in it, is read once.
    expect(scanPaths([dir, join(dir, "a", "stack.yml")]).inputs).toHaveLength(2);
  });

  it("a folder 3,000 levels deep: exit 2 at the first path too long to read", async () => {
    // Its own temporary folder, removed by rm: Node's rmSync runs out of stack in such a tree.
    const dir = mkdtempSync(join(tmpdir(), "stackmod-deep-"));
    // Past PATH_MAX (4,096 bytes), so only by changing folder level by level.
    const make =
      'const fs = require("node:fs");' +
      'for (let i = 0; i < 3000; i++) { fs.mkdirSync("a"); process.chdir("a"); }' +
      'fs.writeFileSync("s.yml", "services: {}\\n");';
    try {
      execFileSync(process.execPath, ["-e", make], { cwd: dir });
      const run = await runCli(["check", dir]);
      // The first path of 4,096 bytes or more (PATH_MAX counts the final NUL).
      const tooLong = `${dir}/${"a/".repeat(Math.ceil((4094 - dir.length) / 2))}a`;
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: `${tooLong}:1:1: error READ_FAILED: cannot read it: ENAMETOOLONG: name too long, stat '${tooLong}'\n`,
      });
    } finally {
      execFileSync("rm", ["-rf", dir]);
    }
  }, 60_000);

  it("keeps the bytes it read of each stack file for the run, within keepBytes and maxBytes", () => {
    const big = `${example}${"# padding\n".repeat(8_000)}`;
    const dir = tree("kept", { "a.yml": example, "b.yml": compose, "c.yml": big, "ci.yml": "jobs: {}\n" });
    const kept = (options: Parameters<typeof scanPaths>[1]) =>
      scanPaths([dir], options).inputs.map((input) => [input.path.slice(dir.length + 1), input.bytes?.toString()]);
    // Whole files, the one past the first 64 KiB included; other YAML is not kept.
    expect(kept({ keepBytes: 1_000_000 })).toEqual([
      ["a.yml", example],
      ["b.yml", compose],
      ["c.yml", big],
    ]);
    // What does not fit in what is left of keepBytes, or is over maxBytes, is left for the run to read.
    expect(kept({ keepBytes: Buffer.byteLength(example) + 10 })).toEqual([
      ["a.yml", example],
      ["b.yml", undefined],
      ["c.yml", undefined],
    ]);
    expect(kept({ keepBytes: 1_000_000, maxBytes: Buffer.byteLength(example) })).toEqual([
      ["a.yml", example],
      ["b.yml", compose],
      ["c.yml", undefined],
    ]);
    expect(kept({})).toEqual([
      ["a.yml", undefined],
      ["b.yml", undefined],
      ["c.yml", undefined],
    ]);
  });
});
