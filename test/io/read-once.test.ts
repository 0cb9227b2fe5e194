import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testDir } from "../helpers/paths.js";

/**
 * Each input of a run is read once: counted through the built binary under strace, every
 * open(2) of the file by the process and its threads and every byte read(2) or pread64(2)
 * gave from it, so that what a folder scan reads to find the stack files, the -c merge and
 * the per-file report, the `.env` that the files of a folder share, and the check before
 * `--write` replaces a file all count. strace is installed by .ci/install-deps.sh.
 */
const bin = resolve(testDir, "..", "bin", "stackmod.js");
const example = readFileSync(resolve(testDir, "..", "examples", "bacnet-stack.yml"), "utf8");
const gateway = `version: "3.8"
services:
  gw:
    image: example/gw:\${TAG}
    networks: [hostnet, backend]
    x-stackmod: {ports: [502]}
networks:
  hostnet: {external: true, name: host}
  backend: {driver: overlay}
`;
const tree: Record<string, string> = {
  "stack.yml": example,
  "gateway.yml": gateway,
  "over.yml": 'version: "3.8"\nservices:\n  bacnet:\n    image: registry.example.com/plant/bacnet-collector:2.5.0\n',
  "ci.yml": "name: CI\non: push\njobs: {}\n",
  ".env": "TAG=1\n",
};

const root = realpathSync(mkdtempSync(join(tmpdir(), "stackmod-read-once-")));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;

function freshFolder(): string {
  const dir = join(root, String(folders++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(tree)) writeFileSync(join(dir, name), text);
  return dir;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(command, args, { cwd, env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    // A command that reads no standard input may exit before the pipe is written: that is no error here.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(input ?? "");
  });
}

/**
 * The syscalls of a trace (each line starts with the thread's id, padded to five columns), each on
 * one line: a call strace split in two (`<unfinished ...>`, `<... read resumed>`) joined.
 */
function syscallsOf(trace: string): string[] {
  const pending = new Map<string, string>();
  const calls: string[] = [];
  for (const line of trace.split("\n")) {
    const pid = /^\d+/.exec(line)?.[0];
    if (pid === undefined) continue;
    if (line.endsWith(" <unfinished ...>")) {
      pending.set(pid, line.slice(0, -" <unfinished ...>".length));
      continue;
    }
    const resumed = /^\d+\s+<\.\.\. \w+ resumed>/.exec(line);
    if (resumed) {
      calls.push(pending.get(pid) + line.slice(resumed[0].length));
      pending.delete(pid);
    } else calls.push(line);
  }
  return calls;
}

interface Traced {
  code: number;
  /** How many times the run opened each file of its folder, by name (files never opened are left out). */
  opens: Record<string, number>;
  /** How many times over the run read each file: the bytes read from it over its size. */
  reads: Record<string, number>;
}

async function traceOf(args: readonly string[]): Promise<Traced> {
  const dir = freshFolder();
  const trace = join(dir, "..", `${folders}.trace`);
  // -y names the file behind each descriptor, in the arguments and in what an open returns.
  const strace = ["-f", "-qq", "-y", "-s", "0", "-e", "trace=/^open,read,pread64", "-o", trace];
  const traced = await run("strace", [...strace, bin, ...args], dir);
  const opens: Record<string, number> = {};
  const bytes: Record<string, number> = {};
  const nameOf = (path: string) => {
    const name = path.startsWith(dir + "/") ? path.slice(dir.length + 1) : undefined;
    return name !== undefined && name in tree ? name : undefined;
  };
  for (const call of syscallsOf(readFileSync(trace, "utf8"))) {
    const opened = /^\d+\s+open\w*\(.*\) = \d+<([^>]+)>$/.exec(call);
    const read = /^\d+\s+(?:read|pread64)\(\d+<([^>]+)>, .*\) = (\d+)$/.exec(call);
    const name = nameOf((opened ?? read)?.[1] ?? "");
    if (name === undefined) continue;
    if (opened) opens[name] = (opens[name] ?? 0) + 1;
    else bytes[name] = (bytes[name] ?? 0) + Number(read![2]);
  }
  const reads = Object.fromEntries(
    Object.entries(bytes).map(([name, total]) => [name, total / Buffer.byteLength(tree[name]!)]),
  );
  return { code: traced.code, opens, reads };
}

describe("each input is read once", () => {
  it("strace runs here (.ci/install-deps.sh installs it)", async () => {
    expect((await run("strace", ["-V"], root)).code).toBe(0);
  });

  const once = { "stack.yml": 1, "gateway.yml": 1, "over.yml": 1, "ci.yml": 1, ".env": 1 };
  // Each file is read once; `opens` may count one more open, which reads nothing.
  const rows: [string, string[], number, Record<string, number>, Record<string, number>?][] = [
    // The scan reads each YAML file to tell a stack file from other YAML; the run reads no file again.
    ["check .", ["check", "."], 1, once],
    ["rewrite . (the diff)", ["rewrite", "."], 0, once],
    ["rewrite --check .", ["rewrite", "--check", "."], 1, once],
    [
      "check stack.yml gateway.yml",
      ["check", "stack.yml", "gateway.yml"],
      1,
      { "stack.yml": 1, "gateway.yml": 1, ".env": 1 },
    ],
    // -c: the merge and the per-file report share one reading of each file.
    [
      "check -c stack.yml -c over.yml",
      ["check", "-c", "stack.yml", "-c", "over.yml"],
      1,
      { "stack.yml": 1, "over.yml": 1, ".env": 1 },
    ],
    [
      "rewrite -c stack.yml -c over.yml",
      ["rewrite", "-c", "stack.yml", "-c", "over.yml"],
      0,
      { "stack.yml": 1, "over.yml": 1, ".env": 1 },
    ],
    // --write compares each file it replaces with the stamp its read took, just before the rename,
    // and holds it open through the rename (a save in place then is put back): opened again, not read.
    ["rewrite --write .", ["rewrite", "--write", "."], 0, once, { ...once, "stack.yml": 2, "gateway.yml": 2 }],
  ];
  for (const [name, args, code, reads, opens = reads] of rows) {
    it(name, async () => {
      expect(await traceOf(args)).toEqual({ code, opens, reads });
    });
  }

  it("check -c - -c over.yml reads standard input once: the merge gets the text, not an empty re-read", async () => {
    const dir = freshFolder();
    const named = await run(bin, ["check", "-c", "stack.yml", "-c", "over.yml"], dir);
    const piped = await run(bin, ["check", "-c", "-", "-c", "over.yml"], dir, example);
    expect(named.code).toBe(1);
    expect(piped).toEqual({
      code: 1,
      stdout: named.stdout.replaceAll(/^stack\.yml:/gm, "-:"),
      stderr:
        "1 conflict found. See the fix with: stackmod rewrite -c - -c over.yml\n" +
        "standard input cannot be written back: rewrite the files by name with --write\n",
    });
  });
});
