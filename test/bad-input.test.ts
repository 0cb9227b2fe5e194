import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "./helpers/cli-capture.js";
import { outsideFile } from "./helpers/inside-file.js";
import { goodOutput, workspace } from "./bad-input/workspace.js";

/**
 * Every kind of bad input in `test/bad-input/cases/<kind>.yml`, with the exact
 * message in `<kind>.expected` (`{file}` stands for the path). Each runs through
 * the real CLI together with a good file: exit 2, that one message, the bad file's
 * bytes and mtime untouched, and the good file still rewritten.
 */
const casesDir = join(import.meta.dirname, "bad-input", "cases");
const kinds = readdirSync(casesDir)
  .filter((name) => name.endsWith(".yml"))
  .map((name) => name.slice(0, -4))
  .sort();
/**
 * Codes raised only while rewriting: `check` reads such a file fine and reports its conflict.
 * An invalid x-stackmod block (BAD_OPTION) is not one of them: check validates it as rewrite does.
 */
const rewriteOnly = new Set(["UNDECIDED", "NO_PORT", "NAME_COLLISION", "PORT_COLLISION", "UNSUPPORTED"]);
const repo = join(import.meta.dirname, "..");
const bin = join(repo, "bin", "stackmod.js");

describe("bad input, one kind per case file", () => {
  it("has at least 30 kinds, each with its expected message", () => {
    expect(kinds.length).toBeGreaterThanOrEqual(30);
    for (const kind of kinds) expect(existsSync(join(casesDir, `${kind}.expected`)), kind).toBe(true);
  });

  it("points inside the file in every case, rewrite and check: a place the user can edit", async () => {
    const outside: string[] = [];
    for (const kind of kinds) {
      const ws = workspace();
      const bad = ws.put(`${kind}.yml`, readFileSync(join(casesDir, `${kind}.yml`)));
      for (const command of ["rewrite", "check"]) {
        const run = await runMain([command, bad]);
        for (const error of run.errors) {
          const [, line, column] = /^[^\n]*?:(\d+):(\d+): error /.exec(error) ?? [];
          const problem = outsideFile(readFileSync(bad, "utf8"), Number(line), Number(column));
          if (problem) outside.push(`${kind} (${command}): ${problem}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  for (const kind of kinds) {
    const bytes = readFileSync(join(casesDir, `${kind}.yml`));
    const expected = readFileSync(join(casesDir, `${kind}.expected`), "utf8").replace(/\n$/, "");
    const code = /error ([A-Z_]+):/.exec(expected)?.[1] ?? "";

    it(`${kind}: rewrite --write refuses it with ${code}, writes nothing, still rewrites the other file`, async () => {
      const ws = workspace();
      const bad = ws.put(`${kind}.yml`, bytes);
      const run = await runMain(["rewrite", "--write", bad, ws.good]);
      expect(run.code).toBe(2);
      expect(run.errors).toEqual([expected.replaceAll("{file}", bad)]);
      ws.expectUntouched(bad);
      ws.expectGoodRewritten();
    });

    it(`${kind}: check ${rewriteOnly.has(code) ? "reads it, reports the conflict" : "refuses it alike"}`, async () => {
      const ws = workspace();
      const bad = ws.put(`${kind}.yml`, bytes);
      const run = await runMain(["check", bad, ws.good]);
      if (rewriteOnly.has(code)) {
        expect(run.code).toBe(1);
        expect(run.errors).toEqual([]);
      } else {
        expect(run.code).toBe(2);
        expect(run.errors).toEqual([expected.replaceAll("{file}", bad)]);
      }
      ws.expectUntouched(bad);
    });
  }
});

describe("bad input that needs the file system", () => {
  it("a file over the size limit is refused, and --max-bytes raises the limit", async () => {
    const ws = workspace();
    const text = "services: {}\n" + "# padding\n".repeat(524_288);
    const big = ws.put("big-stack.yml", text);
    const refused = await runMain(["rewrite", "--write", big, ws.good]);
    expect(refused.code).toBe(2);
    expect(refused.errors).toEqual([
      `${big}:1:1: error FILE_TOO_LARGE: the file is 5242893 bytes, over the limit of 5242880; if it is a genuine ` +
        `stack file, raise the limit with --max-bytes 5242893`,
    ]);
    ws.expectUntouched(big);
    ws.expectGoodRewritten();
    expect((await runMain(["check", "--max-bytes", "6000000", big])).code).toBe(0);
  });

  it("--max-bytes and --max-aliases take only whole numbers", async () => {
    const ws = workspace();
    expect((await runMain(["check", "--max-bytes", "5MB", ws.good])).code).toBe(2);
    expect((await runMain(["check", "--max-aliases", "-1", ws.good])).code).toBe(2);
  });

  it("a broken symlink found in a folder is reported, the other files are processed", async () => {
    const ws = workspace();
    const link = join(ws.dir, "old-compose.yml");
    symlinkSync(join(ws.dir, "gone.yml"), link);
    const run = await runMain(["rewrite", "--write", ws.dir]);
    expect(run.code).toBe(2);
    expect(run.errors).toEqual([
      `${link}:1:1: error READ_FAILED: cannot read the file: no such file (or a symlink whose target is missing)`,
    ]);
    ws.expectGoodRewritten();
  });

  it("a symlink: the target is rewritten, the link stays a link to it, nothing is left beside either", async () => {
    const ws = workspace();
    mkdirSync(join(ws.dir, "real"));
    const target = ws.put(join("real", "stack.yml"), readFileSync(ws.good));
    const link = join(ws.dir, "linked-stack.yml");
    symlinkSync(join("real", "stack.yml"), link);
    const run = await runMain(["rewrite", "--write", link]);
    expect(run.code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join("real", "stack.yml"));
    expect(readFileSync(target, "utf8")).toBe(goodOutput);
    expect(readdirSync(join(ws.dir, "real"))).toEqual(["stack.yml"]);
    expect(readdirSync(ws.dir).sort()).toEqual(["good-stack.yml", "linked-stack.yml", "real"]);
  });

  it("a read-only file is not replaced by --write (exit 2), the other files are", async () => {
    const ws = workspace();
    const locked = ws.put("locked-stack.yml", readFileSync(ws.good));
    chmodSync(locked, 0o444);
    const run = await runMain(["rewrite", "--write", locked, ws.good]);
    expect(run.code).toBe(2);
    expect(run.errors).toEqual([
      `${locked}:1:1: error WRITE_FAILED: the file is read-only; nothing was written: make it writable (chmod u+w) ` +
        `to let stackmod rewrite it, or drop --write to see the diff`,
    ]);
    ws.expectUntouched(locked);
    expect(lstatSync(locked).mode & 0o777).toBe(0o444);
    ws.expectGoodRewritten();
  });

  // Root reads every file, so permissions are tested as an unprivileged user through the real binary.
  const asUser = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: "utf8",
      ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
    });

  it("a folder with an unreadable file and an unreadable subfolder: both reported, the rest processed", () => {
    const ws = workspace();
    const secret = ws.put("secret-stack.yml", readFileSync(ws.good));
    const closed = join(ws.dir, "closed");
    mkdirSync(closed);
    chmodSync(secret, 0o000);
    chmodSync(closed, 0o000);
    chmodSync(ws.dir, 0o777);
    if (process.getuid?.() === 0) chownSync(ws.good, 65534, 65534);
    const run = asUser(["rewrite", "--write", ws.dir]);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n").filter((l) => l.includes(" error "))).toEqual([
      `${closed}:1:1: error READ_FAILED: cannot list the folder: permission denied; give the user running stackmod ` +
        `read access (chmod u+r), or leave it out`,
      `${secret}:1:1: error READ_FAILED: cannot read the file: permission denied; give the user running stackmod ` +
        `read access (chmod u+r), or leave it out`,
    ]);
    ws.expectUntouched(secret);
    ws.expectGoodRewritten();
  });

  it("through node bin/stackmod.js: several bad kinds in one run, one message each, exit 2", () => {
    const ws = workspace();
    const names = ["tab-indentation", "alias-bomb", "binary-png", "duplicate-service"];
    const paths = names.map((kind) => ws.put(`${kind}.yml`, readFileSync(join(casesDir, `${kind}.yml`))));
    const run = spawnSync(process.execPath, [bin, "rewrite", "--write", ...paths, ws.good], { encoding: "utf8" });
    expect(run.status).toBe(2);
    const expected = names.map((kind, i) =>
      readFileSync(join(casesDir, `${kind}.expected`), "utf8")
        .replace(/\n$/, "")
        .replaceAll("{file}", paths[i]!),
    );
    expect(run.stderr.split("\n").filter((l) => l.includes(" error "))).toEqual(expected);
    for (const path of paths) ws.expectUntouched(path);
    ws.expectGoodRewritten();
  });

  it("through node bin/stackmod.js: standard input with bad input exits 2", () => {
    const run = execFileSyncStatus(["check", "-"], "- [not, a, stack]\n");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "-:1:1: error NOT_A_MAPPING: the top level is a list, but a stack file must be a mapping with `services:`\n",
    );
  });

  it("through node bin/stackmod.js: standard input over --max-bytes is refused once that many bytes have come", () => {
    const run = execFileSyncStatus(["check", "-", "--max-bytes", "1000"], "services: {}\n" + "# padding\n".repeat(200));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "-:1:1: error FILE_TOO_LARGE: the input is over the limit of 1000 bytes (reading stopped there); if it is a " +
        "genuine stack file, raise the limit with --max-bytes\n",
    );
  });

  it("an endless device (/dev/zero) is refused before it is read: only regular files are read", () => {
    const run = spawnSync(process.execPath, [bin, "check", "/dev/zero", "--max-bytes", "100000"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "/dev/zero:1:1: error READ_FAILED: not a regular file (a character device); stackmod reads only regular " +
        "files, so that no path can make it wait forever: to read a stream, pipe it to standard input and " +
        "give - as the path\n",
    );
  });
});

function execFileSyncStatus(args: string[], input: string): { status: number; stderr: string } {
  try {
    execFileSync(process.execPath, [bin, ...args], { input, stdio: "pipe" });
    return { status: 0, stderr: "" };
  } catch (error) {
    const e = error as { status: number; stderr: Buffer };
    return { status: e.status, stderr: e.stderr.toString() };
  }
}

describe("the limits are generous for real files", () => {
  // 400 services merging one anchor that itself holds aliases: yaml's default limit (100) refuses this.
  const heavy = [
    'version: "3.8"',
    "x-logging: &logging",
    "  driver: json-file",
    "x-defaults: &defaults",
    "  logging: *logging",
    "  restart: unless-stopped",
    "services:",
    ...Array.from({ length: 400 }, (_, i) => `  app${i}:\n    <<: *defaults\n    image: app:${i}`),
    "",
  ].join("\n");

  it("heavy `<<` use passes the default alias limit", async () => {
    const ws = workspace();
    const file = ws.put("heavy-stack.yml", heavy);
    const run = await runMain(["check", file]);
    expect(run.errors).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("the same file is refused under yaml's own default of 100", async () => {
    const ws = workspace();
    const file = ws.put("heavy-stack.yml", heavy);
    const run = await runMain(["check", "--max-aliases", "100", file]);
    expect(run.code).toBe(2);
    expect(run.errors[0]).toMatch(/error YAML_ALIAS_LIMIT: aliases expand to more than 100 nodes/);
  });

  it("the alias bomb is refused even with a limit raised tenfold", async () => {
    const run = await runMain(["check", "--max-aliases", "100000", join(casesDir, "alias-bomb.yml")]);
    expect(run.code).toBe(2);
    expect(run.errors[0]).toMatch(/error YAML_ALIAS_LIMIT/);
  });

  it("nesting 40 levels deep is read", async () => {
    const ws = workspace();
    const deep =
      'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    labels:\n' +
      Array.from({ length: 36 }, (_, i) => " ".repeat(2 * i + 6) + `k${i}:\n`).join("");
    const run = await runMain(["check", ws.put("deep-stack.yml", deep)]);
    expect(run.errors).toEqual([]);
  });
});
