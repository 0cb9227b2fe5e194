import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { removeStaleTemporaries, writeFileAtomic } from "../../src/io/files.js";
import { runMain } from "../helpers/cli-capture.js";
import { testDir } from "../helpers/paths.js";

/** Kills in `npm test`; STACKMOD_KILL_RUNS=1000 for a longer run. */
const runs = Number(process.env.STACKMOD_KILL_RUNS ?? 200);
const temporary = /^\.stack\.yml\.stackmod-\d+-[a-z0-9]+\.tmp$/;

describe("crash-safe writes: a writer killed with SIGKILL at random moments", () => {
  let dir: string;
  let child: string;
  let oldText: string;
  let newText: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "stackmod-kill-"));
    // The child is built from the current source, so the test never runs a stale dist/.
    child = join(dir, "writer.mjs");
    buildSync({
      entryPoints: [join(testDir, "helpers", "atomic-writer-child.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: child,
      logLevel: "error",
    });
    const block = (seed: string) =>
      `# ${seed}\n` +
      randomBytes(300_000)
        .toString("base64")
        .replace(/(.{76})/g, "$1\n") +
      "\n";
    oldText = block("old");
    newText = block("new");
  });

  it(`${runs} kills: the file is always the whole old or the whole new text, and leftovers are removed`, async () => {
    const work = mkdtempSync(join(dir, "work-"));
    const file = join(work, "stack.yml");
    const oldPath = join(dir, "old.txt");
    const newPath = join(dir, "new.txt");
    writeFileSync(oldPath, oldText);
    writeFileSync(newPath, newText);
    writeFileSync(file, oldText);
    chmodSync(file, 0o640);

    const start = () => startWriter(child, [file, oldPath, newPath]);
    // Writers boot while the previous one runs: start-up, not writing, is the slow part.
    const pool = [start(), start()];
    const seen = { old: 0, new: 0, leftovers: 0 };
    let writeMs = 20;
    try {
      for (let run = 0; run < runs; run += 1) {
        const writer = await pool.shift()!;
        pool.push(start());
        const began = Date.now();
        writer.go();
        // Half the kills land in the first write, half after one or more complete writes.
        if (run % 2 === 1) {
          await writer.writes(1);
          writeMs = Math.max(1, Date.now() - began);
        }
        await sleep(Math.random() * writeMs * 1.5);
        await writer.kill();

        const bytes = readFileSync(file, "utf8");
        const isOld = bytes === oldText;
        const isNew = bytes === newText;
        expect(isOld || isNew, `run ${run}: the file is neither the old nor the new text (${bytes.length} chars)`).toBe(
          true,
        );
        if (isOld) seen.old += 1;
        else seen.new += 1;
        expect(statSync(file).mode & 0o777).toBe(0o640);

        const left = readdirSync(work).filter((name) => temporary.test(name));
        if (left.length > 0) seen.leftovers += 1;
        const removed = removeStaleTemporaries(file).map((l) => l.path);
        expect(removed.sort()).toEqual(left.map((name) => join(work, name)).sort());
        expect(readdirSync(work)).toEqual(["stack.yml"]);
      }
    } finally {
      for (const pending of pool) await (await pending).kill();
    }
    // The kills must really have hit every phase, or the test proves nothing.
    expect(seen.old).toBeGreaterThan(0);
    expect(seen.new).toBeGreaterThan(0);
    expect(seen.leftovers).toBeGreaterThan(0);
    console.log(
      `kill test: ${runs} SIGKILLs, old text ${seen.old}, new text ${seen.new}, temporary file left (then removed) ` +
        `${seen.leftovers}`,
    );
  }, 600_000);
});

describe("writeFileAtomic and --write", () => {
  const fresh = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-write-"));
    const file = join(dir, "stack.yml");
    writeFileSync(file, text);
    return { dir, file };
  };

  it("keeps the mode and, as root, the owner", () => {
    const { file } = fresh("old\n");
    chmodSync(file, 0o604);
    const root = process.getuid?.() === 0;
    if (root) chownSync(file, 1234, 2345);
    writeFileAtomic(file, "new\n");
    expect(readFileSync(file, "utf8")).toBe("new\n");
    const stat = statSync(file);
    expect(stat.mode & 0o7777).toBe(0o604);
    if (root) expect([stat.uid, stat.gid]).toEqual([1234, 2345]);
    else expect(stat.uid).toBe(process.getuid?.());
  });

  it("refuses to write a file that changed since it was read", () => {
    const { file } = fresh("edited by someone else\n");
    expect(() => writeFileAtomic(file, "new\n", { expected: "what stackmod read\n" })).toThrow(
      /changed while stackmod was working/,
    );
    expect(readFileSync(file, "utf8")).toBe("edited by someone else\n");
  });

  it("rewrite --write never writes a file with nothing to change (mtime untouched)", async () => {
    const { file } = fresh('version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n');
    const past = new Date("2021-05-06T07:08:09Z");
    utimesSync(file, past, past);
    const run = await runMain(["rewrite", "--write", file]);
    expect(run.code).toBe(0);
    expect(statSync(file).mtimeMs).toBe(past.getTime());
  });

  it("the next --write removes a temporary file a killed run left, says so, and leaves a live one alone", async () => {
    const bacnet = readFileSync(join(testDir, "..", "examples", "bacnet-stack.yml"), "utf8");
    const { dir, file } = fresh(bacnet);
    const dead = join(dir, `.stack.yml.stackmod-${await deadPid()}-abc123.tmp`);
    const live = join(dir, `.other.yml.stackmod-${process.ppid}-abc123.tmp`);
    writeFileSync(dead, bacnet.slice(0, 100));
    writeFileSync(live, "being written\n");
    const run = await runMain(["rewrite", "--write", file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `${file}: removed ${dead}, a temporary file left by an interrupted stackmod run (pid ` +
        `${/-(\d+)-/.exec(dead)![1]})\n`,
    );
    expect(readdirSync(dir).sort()).toEqual([".other.yml.stackmod-" + process.ppid + "-abc123.tmp", "stack.yml"]);
  });
});

interface Writer {
  go(): void;
  writes(count: number): Promise<void>;
  kill(): Promise<void>;
}

function startWriter(script: string, args: string[]): Promise<Writer> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [script, ...args]);
  let out = "";
  let err = "";
  let gone = false;
  const waiters: (() => void)[] = [];
  const wakeAll = () => {
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    wakeAll();
  });
  child.stderr.on("data", (chunk: Buffer) => void (err += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      gone = true;
      wakeAll();
      resolve();
    }),
  );
  const until = (test: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test()) resolve();
        else if (gone) reject(new Error(`the writer exited early: ${err}`));
        else waiters.push(check);
      };
      check();
    });
  return until(() => out.startsWith("ready\n")).then(() => ({
    go: () => child.stdin.write("go\n"),
    writes: (count) => until(() => out.length - "ready\n".length >= count),
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  }));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The PID of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}
