import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rewrite, type RewriteOptions } from "../../src/index.js";
import { testDir } from "../helpers/paths.js";

/**
 * The command line as people type it, through the built binary (bin/stackmod.js run as a
 * program: its `#!/usr/bin/env -S node --` line included). Every row runs in a fresh copy of
 * one folder and states the exit code and exactly which files change: every file of the
 * folder is compared before and after, bytes and mtime.
 */
const bin = resolve(testDir, "..", "bin", "stackmod.js");
const example = readFileSync(resolve(testDir, "..", "examples", "bacnet-stack.yml"), "utf8");

const gateway = `version: "3.8"
services:
  gw:
    image: example/gw:1
    networks: [hostnet, backend]
    x-stackmod: {ports: [502]}
networks:
  hostnet: {external: true, name: host}
  backend: {driver: overlay}
`;
const clean = `version: "3.8"
services:
  api:
    image: example/api:1
`;

/** The folder every row starts from. */
const tree: Record<string, string> = {
  "stack.yml": example,
  "gateway.yml": gateway,
  "clean.yml": clean,
  "--odd.yml": gateway,
  // A NODE_OPTIONS line that would write ./PWNED if Node.js ever read this file itself.
  "site.env": `HOST=plant\nNODE_OPTIONS=--require=${JSON.stringify("./pwn.cjs").slice(1, -1)}\n`,
  "opts.yml": "strategy: split\n",
  "pwn.cjs": 'require("node:fs").writeFileSync(require("node:path").join(process.cwd(), "PWNED"), "ran");\n',
};

const root = mkdtempSync(join(tmpdir(), "stackmod-command-line-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let rows = 0;

function freshFolder(): string {
  const dir = join(root, String(rows++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(tree)) writeFileSync(join(dir, name), text);
  return dir;
}

type Snapshot = Map<string, { text: string; mtimeMs: number }>;

function snapshot(dir: string): Snapshot {
  const files: Snapshot = new Map();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    files.set(name, { text: readFileSync(path, "utf8"), mtimeMs: statSync(path).mtimeMs });
  }
  return files;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(dir: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(bin, args, { cwd: dir, env: { PATH: process.env.PATH ?? "" } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

interface Row {
  args: string[];
  code: number;
  /** Each file that must change, with the options of the library call that gives its new text. */
  writes?: Record<string, RewriteOptions>;
  /** New files that must appear. */
  creates?: string[];
  stderr?: string;
  stdout?: string;
  stdin?: string;
  /** Whether standard output carries colour (ANSI escapes). */
  colour?: boolean;
}

const stackFix = (options: RewriteOptions = {}) => ({ "stack.yml": options });
const bothFixed = { "stack.yml": {}, "gateway.yml": {} };
const hint = (command: string) => `1 file would change. Apply with: ${command}\n`;

const table: Record<string, Row> = {
  // The dry run and --write, flags before, after and between the paths, = or not, after --.
  "rewrite stack.yml": { args: ["rewrite", "stack.yml"], code: 0 },
  "rewrite stack.yml --write": { args: ["rewrite", "stack.yml", "--write"], code: 0, writes: stackFix() },
  "rewrite --write stack.yml": { args: ["rewrite", "--write", "stack.yml"], code: 0, writes: stackFix() },
  "rewrite --write -- stack.yml": { args: ["rewrite", "--write", "--", "stack.yml"], code: 0, writes: stackFix() },
  "rewrite --write -- --odd.yml (a path that starts with -)": {
    args: ["rewrite", "--write", "--", "--odd.yml"],
    code: 0,
    writes: { "--odd.yml": {} },
  },
  "rewrite stack.yml --write gateway.yml": {
    args: ["rewrite", "stack.yml", "--write", "gateway.yml"],
    code: 0,
    writes: bothFixed,
  },
  "rewrite --write --write stack.yml (repeated)": {
    args: ["rewrite", "--write", "--write", "stack.yml"],
    code: 0,
    writes: stackFix(),
  },
  // --service: one value each time, never the paths after it.
  "rewrite --service bacnet stack.yml --write (only the named file)": {
    args: ["rewrite", "--service", "bacnet", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ services: ["bacnet"] }),
  },
  "rewrite --service=bacnet stack.yml gateway.yml --write": {
    args: ["rewrite", "--service=bacnet", "stack.yml", "gateway.yml", "--write"],
    code: 0,
    writes: stackFix({ services: ["bacnet"] }),
  },
  "rewrite --service bacnet --service gw stack.yml gateway.yml --write": {
    args: ["rewrite", "--service", "bacnet", "--service", "gw", "stack.yml", "gateway.yml", "--write"],
    code: 0,
    writes: bothFixed,
  },
  "rewrite --service bacnet,gw stack.yml gateway.yml --write": {
    args: ["rewrite", "--service", "bacnet,gw", "stack.yml", "gateway.yml", "--write"],
    code: 0,
    writes: bothFixed,
  },
  "rewrite --service nosuch stack.yml --write": {
    args: ["rewrite", "--service", "nosuch", "stack.yml", "--write"],
    code: 2,
    stderr: '<command line>:1:1: error USAGE: --service nosuch: there is no service "nosuch" in stack.yml\n',
  },
  "rewrite --service bacent stack.yml gateway.yml --write (a close name)": {
    args: ["rewrite", "--service", "bacent", "stack.yml", "gateway.yml", "--write"],
    code: 2,
    stderr:
      '<command line>:1:1: error USAGE: --service bacent: there is no service "bacent" in any of the 2 files; did ' +
      'you mean "bacnet"?\n',
  },
  // --port: one SERVICE=PORT each time.
  "rewrite --port bacnet=47808/udp stack.yml --write": {
    args: ["rewrite", "--port", "bacnet=47808/udp", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ options: { services: { bacnet: { ports: ["47808/udp"] } } } }),
  },
  "rewrite stack.yml --port=bacnet=47808/udp --port bacnet=502 --write": {
    args: ["rewrite", "stack.yml", "--port=bacnet=47808/udp", "--port", "bacnet=502", "--write"],
    code: 0,
    writes: stackFix({ options: { services: { bacnet: { ports: ["47808/udp", "502"] } } } }),
  },
  "rewrite --port nosuch=53/udp stack.yml": {
    args: ["rewrite", "--port", "nosuch=53/udp", "stack.yml"],
    code: 2,
    stderr: '<command line>:1:1: error USAGE: --port nosuch=53/udp: there is no service "nosuch" in stack.yml\n',
  },
  "rewrite --port bacnet stack.yml": {
    args: ["rewrite", "--port", "bacnet", "stack.yml"],
    code: 2,
    stderr: "<command line>:1:1: error USAGE: --port bacnet: expected SERVICE=PORT[/PROTO], e.g. bacnet=47808/udp\n",
  },
  // Option values, named by their flag.
  "rewrite --strategy proxi stack.yml": {
    args: ["rewrite", "--strategy", "proxi", "stack.yml"],
    code: 2,
    stderr:
      "<command line>:1:1: error BAD_OPTION: --strategy proxi: expected one of publish, proxy, split, lan, skip\n",
  },
  "rewrite --strategy split --strategy skip stack.yml --write (the last one wins)": {
    args: ["rewrite", "--strategy", "split", "--strategy", "skip", "stack.yml", "--write"],
    code: 0,
  },
  "rewrite --strategy=split stack.yml --write": {
    args: ["rewrite", "--strategy=split", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ options: { strategy: "split" } }),
  },
  "rewrite --strategy lan ... --lan-range a=... --lan-range b=... stack.yml --write": {
    args: [
      "rewrite",
      "--strategy",
      "lan",
      "--lan-parent",
      "eth0",
      "--lan-subnet",
      "192.168.50.0/24",
      "--lan-range",
      "a=192.168.50.192/28",
      "stack.yml",
      "--lan-range=b=192.168.50.208/28",
      "--write",
    ],
    code: 0,
    writes: stackFix({
      options: {
        strategy: "lan",
        lan: {
          parent: "eth0",
          subnet: "192.168.50.0/24",
          ipRanges: { a: "192.168.50.192/28", b: "192.168.50.208/28" },
        },
      },
    }),
    creates: ["stack.lan-setup.sh"],
  },
  // Conflicting flags: refused, nothing written.
  "rewrite --write --check stack.yml": {
    args: ["rewrite", "--write", "--check", "stack.yml"],
    code: 2,
    stderr:
      "<command line>:1:1: error USAGE: --write and --check cannot be combined: --write rewrites the files, --check " +
      "only says whether they would change (exit 1), --stdout prints the rewritten file; give one\n",
  },
  "rewrite stack.yml --stdout --write": {
    args: ["rewrite", "stack.yml", "--stdout", "--write"],
    code: 2,
    stderr:
      "<command line>:1:1: error USAGE: --write and --stdout cannot be combined: --write rewrites the files, " +
      "--check only says whether they would change (exit 1), --stdout prints the rewritten file; give one\n",
  },
  "rewrite --stdout stack.yml gateway.yml": {
    args: ["rewrite", "--stdout", "stack.yml", "gateway.yml"],
    code: 2,
    stderr:
      "<command line>:1:1: error USAGE: --stdout prints one rewritten file, and these paths name 2: name one file, " +
      "or use --write or the diff\n",
  },
  "rewrite - --write": {
    args: ["rewrite", "-", "--write"],
    stdin: example,
    code: 2,
    stderr:
      "<command line>:1:1: error USAGE: --write cannot write standard input (-) back anywhere: use --stdout to " +
      "print the rewritten file, or name the file\n",
  },
  "rewrite --quiet --verbose stack.yml": {
    args: ["rewrite", "--quiet", "--verbose", "stack.yml"],
    code: 2,
    stderr: "<command line>:1:1: error USAGE: --quiet and --verbose cannot be combined; give one\n",
  },
  "rewrite stack.yml -c gateway.yml": {
    args: ["rewrite", "stack.yml", "-c", "gateway.yml"],
    code: 2,
    stderr:
      "<command line>:1:1: error USAGE: paths (stack.yml) and -c cannot be combined: -c names every file of one " +
      "stack; check other files in a run of their own\n",
  },
  "check - - (standard input twice)": {
    args: ["check", "-", "-"],
    stdin: example,
    code: 2,
    stderr: "<command line>:1:1: error USAGE: standard input (-) can be read only once; give - once\n",
  },
  // The hint is a command that works as printed.
  "rewrite --check stack.yml": {
    args: ["rewrite", "--check", "stack.yml"],
    code: 1,
  },
  "rewrite --check -q -- stack.yml (hint: --write before --)": {
    args: ["rewrite", "--check", "-q", "--", "stack.yml"],
    code: 1,
    stderr: "",
  },
  "rewrite --check --service=bacnet -- stack.yml": {
    args: ["rewrite", "--check", "--service=bacnet", "--", "stack.yml"],
    code: 1,
  },
  "rewrite --stdout stack.yml": { args: ["rewrite", "--stdout", "stack.yml"], code: 0 },
  "rewrite --stdout - (standard input)": { args: ["rewrite", "--stdout", "-"], stdin: example, code: 0 },
  "rewrite --format=json stack.yml --write": {
    args: ["rewrite", "--format=json", "stack.yml", "--write"],
    code: 0,
    writes: stackFix(),
  },
  "rewrite -q --write stack.yml": {
    args: ["rewrite", "-q", "--write", "stack.yml"],
    code: 0,
    writes: stackFix(),
    stderr: "",
  },
  // --env-file: read by stackmod as data, never by Node.js.
  "rewrite --env-file site.env stack.yml --write": {
    args: ["rewrite", "--env-file", "site.env", "stack.yml", "--write"],
    code: 0,
    writes: stackFix(),
  },
  "check --env-file=site.env stack.yml": { args: ["check", "--env-file=site.env", "stack.yml"], code: 1 },
  "check stack.yml --env-file nosuch.env": {
    args: ["check", "stack.yml", "--env-file", "nosuch.env"],
    code: 2,
    stderr:
      "nosuch.env:1:1: error READ_FAILED: cannot read the file: no such file (or a symlink whose target is missing)\n",
  },
  "check --env-file site.env --env-file site.env clean.yml (repeated)": {
    args: ["check", "--env-file", "site.env", "--env-file", "site.env", "clean.yml"],
    code: 0,
    stderr: "",
  },
  // check, in the orders people type it.
  "check stack.yml": { args: ["check", "stack.yml"], code: 1 },
  "check clean.yml --format json": { args: ["check", "clean.yml", "--format", "json"], code: 0 },
  "check --format=sarif -- clean.yml": { args: ["check", "--format=sarif", "--", "clean.yml"], code: 0 },
  "check -c stack.yml": { args: ["check", "-c", "stack.yml"], code: 1 },
  "check clean.yml -q stack.yml": { args: ["check", "clean.yml", "-q", "stack.yml"], code: 1 },
  "check -v clean.yml": { args: ["check", "-v", "clean.yml"], code: 0 },
  // The other flags of --help, each at least once.
  "rewrite --write (no path: the current folder)": {
    args: ["rewrite", "--write"],
    code: 0,
    writes: { "stack.yml": {}, "gateway.yml": {}, "--odd.yml": {} },
  },
  "rewrite --service bacnet -- stack.yml --write (after --, --write is a path)": {
    args: ["rewrite", "--service", "bacnet", "--", "stack.yml", "--write"],
    code: 2,
  },
  "rewrite --config opts.yml stack.yml --write": {
    args: ["rewrite", "--config", "opts.yml", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ config: { strategy: "split" } }),
  },
  "rewrite stack.yml --target=compose --write": {
    args: ["rewrite", "stack.yml", "--target=compose", "--write"],
    code: 0,
    writes: stackFix({ target: "compose" }),
  },
  "rewrite --direction outbound stack.yml --write": {
    args: ["rewrite", "--direction", "outbound", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ options: { proxy: { direction: "outbound" } } }),
  },
  "rewrite --publish=host stack.yml --write": {
    args: ["rewrite", "--publish=host", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ options: { proxy: { publish: "host" }, queue: { publish: "host" } } }),
  },
  "rewrite --strategy split --queue redis stack.yml --write": {
    args: ["rewrite", "--strategy", "split", "--queue", "redis", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ options: { strategy: "split", queue: { kind: "redis" } } }),
  },
  "rewrite --strategy split --processor-constraint A --processor-constraint=B stack.yml --write": {
    args: [
      "rewrite",
      "--strategy",
      "split",
      "--processor-constraint",
      "node.role == manager",
      "--processor-constraint=node.labels.db != false",
      "stack.yml",
      "--write",
    ],
    code: 0,
    writes: stackFix({
      options: {
        strategy: "split",
        queue: { processor: { constraints: ["node.role == manager", "node.labels.db != false"] } },
      },
    }),
  },
  "rewrite --strategy lan with every --lan-* flag, --lan-script custom.sh": {
    args: [
      "rewrite",
      "--strategy=lan",
      "--lan-parent=eth0",
      "--lan-subnet",
      "192.168.50.0/24",
      "--lan-driver",
      "ipvlan",
      "--lan-ipvlan-mode",
      "l2",
      "--lan-gateway",
      "192.168.50.1",
      "--lan-network",
      "plant-lan",
      "--lan-script",
      "custom.sh",
      "stack.yml",
      "--write",
    ],
    code: 0,
    writes: stackFix({
      options: {
        strategy: "lan",
        lan: {
          parent: "eth0",
          subnet: "192.168.50.0/24",
          driver: "ipvlan",
          ipvlanMode: "l2",
          gateway: "192.168.50.1",
          network: "plant-lan",
          script: "custom.sh",
        },
      },
    }),
    creates: ["custom.sh"],
  },
  "check --max-bytes 100 stack.yml": {
    args: ["check", "--max-bytes", "100", "stack.yml"],
    code: 2,
    stderr:
      "stack.yml:1:1: error FILE_TOO_LARGE: the file is 814 bytes, over the limit of 100; if it is a genuine stack " +
      "file, raise the limit with --max-bytes 814\n",
  },
  "check --max-aliases=50 stack.yml": { args: ["check", "--max-aliases=50", "stack.yml"], code: 1 },
  "check --color stack.yml": { args: ["check", "--color", "stack.yml"], code: 1, colour: true },
  "check stack.yml --no-color": { args: ["check", "stack.yml", "--no-color"], code: 1, colour: false },
  "check --color --no-color stack.yml (the last one wins)": {
    args: ["check", "--color", "--no-color", "stack.yml"],
    code: 1,
    colour: false,
  },
  "check --no-color --color stack.yml (the last one wins)": {
    args: ["check", "--no-color", "--color", "stack.yml"],
    code: 1,
    colour: true,
  },
  "check --format github stack.yml": { args: ["check", "--format", "github", "stack.yml"], code: 1 },
  "check --engine 27.5 stack.yml (the loophole of engines 25-27)": {
    args: ["check", "--engine", "27.5", "stack.yml"],
    code: 0,
  },
  "check --engine=28 stack.yml": { args: ["check", "--engine=28", "stack.yml"], code: 1 },
  "check --compose-file=stack.yml": { args: ["check", "--compose-file=stack.yml"], code: 1 },
  "check -h": { args: ["check", "-h"], code: 0, stderr: "" },
  "rewrite --strict --check stack.yml": { args: ["rewrite", "--strict", "--check", "stack.yml"], code: 1 },
  "rewrite --fix all stack.yml --write": {
    args: ["rewrite", "--fix", "all", "stack.yml", "--write"],
    code: 0,
    writes: stackFix({ fix: ["all"] }),
  },
  transforms: { args: ["transforms"], code: 0, stderr: "" },
  "--help": { args: ["--help"], code: 0, stderr: "" },
  "check --help": { args: ["check", "--help"], code: 0, stderr: "" },
  "rewrite --help": { args: ["rewrite", "--help"], code: 0, stderr: "" },
  "--version": { args: ["--version"], code: 0, stderr: "" },
};

const hints: Record<string, string> = {
  "rewrite --check stack.yml": hint("stackmod rewrite stack.yml --write"),
  "rewrite --check --service=bacnet -- stack.yml": hint("stackmod rewrite --service=bacnet --write -- stack.yml"),
  "check stack.yml":
    "1 conflict found. See the fix with: stackmod rewrite stack.yml\napply it with: stackmod rewrite stack.yml " +
    "--write\n",
  "check -c stack.yml":
    "1 conflict found. See the fix with: stackmod rewrite -c stack.yml\napply it with: stackmod rewrite -c " +
    "stack.yml --write\n",
};

describe("the command line through bin/stackmod.js", () => {
  // Two at a time: each row is a child process of ~150 ms, and the machine has two cores.
  const entries = Object.entries(table);
  const results = new Map<string, Promise<{ dir: string; before: Snapshot; result: Run }>>();
  const queue = [...entries];
  const runNext = async (): Promise<void> => {
    const next = queue.shift();
    if (!next) return;
    const [name, row] = next;
    const dir = freshFolder();
    const before = snapshot(dir);
    const promise = run(dir, row.args, row.stdin).then((result) => ({ dir, before, result }));
    results.set(name, promise);
    await promise;
    await runNext();
  };
  const started = Promise.all([runNext(), runNext()]);

  it.each(entries)("%s", async (name, row) => {
    await started;
    const { dir, before, result } = await results.get(name)!;
    expect(result.code, result.stderr).toBe(row.code);
    if (row.stderr !== undefined) expect(result.stderr).toBe(row.stderr);
    if (row.stdout !== undefined) expect(result.stdout).toBe(row.stdout);
    if (hints[name]) expect(result.stderr.endsWith(hints[name])).toBe(true);
    if (row.colour !== undefined) expect(result.stdout.includes("\x1b["), "colour on stdout").toBe(row.colour);
    const after = snapshot(dir);
    const expectedNames = [...before.keys(), ...(row.creates ?? [])].sort();
    expect([...after.keys()].sort()).toEqual(expectedNames);
    for (const [file, old] of before) {
      const now = after.get(file)!;
      const options = row.writes?.[file];
      if (options === undefined) {
        expect(now, `${file} must not be written`).toEqual(old);
        continue;
      }
      const expected = rewrite(old.text, { ...options, file });
      expect(expected.changed).toBe(true);
      expect(now.text, `${file}: the rewritten text`).toBe(expected.output);
    }
  });

  it("every flag that check --help and rewrite --help document is in some row", async () => {
    const typed = new Set(entries.flatMap(([, row]) => row.args.map((arg) => arg.replace(/=.*$/, ""))));
    for (const command of ["check", "rewrite"]) {
      const help = (await run(root, [command, "--help"])).stdout;
      const flags = [...new Set(help.match(/(?<=^|[\s,])--?[a-z][a-z-]*/gm))].filter((flag) => flag !== "--help");
      expect(flags.length).toBeGreaterThan(10);
      for (const flag of flags) expect(typed, `${command} ${flag}`).toContain(flag);
    }
  });

  it("a NODE_OPTIONS line in an --env-file never runs: no row left a PWNED file", async () => {
    await started;
    for (const name of readdirSync(root)) expect(readdirSync(join(root, name))).not.toContain("PWNED");
  });
});

describe("--env-file and Node.js's own --env-file", () => {
  it("through node with no -- before the script, Node reads the file first: stackmod stops with exit 2", async () => {
    const dir = freshFolder();
    const result = await new Promise<Run>((done) =>
      execFile(
        process.execPath,
        [bin, "check", "--env-file", "site.env", "clean.yml"],
        { cwd: dir, env: { PATH: process.env.PATH ?? "" } },
        (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `<command line>:1:1: error USAGE: --env-file reached Node.js before stackmod: Node.js 20 and later read an ` +
        `--env-file anywhere on their own command line (a NODE_OPTIONS line in it applies to Node itself), ` +
        `so this run stops. Start stackmod as \`stackmod ...\` or \`npx stackmod ...\`, or with \`node -- ` +
        `${bin} ...\`\n`,
    );
  });

  it("--env-file-if-exists, which Node.js (20.20 here) reads as well: stackmod stops the same way", async () => {
    const dir = freshFolder();
    const result = await new Promise<Run>((done) =>
      execFile(
        process.execPath,
        [bin, "check", "--env-file-if-exists=site.env", "clean.yml"],
        { cwd: dir, env: { PATH: process.env.PATH ?? "" } },
        (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^<command line>:1:1: error USAGE: --env-file-if-exists reached Node\.js before /);
  });

  it("a FIFO as --env-file or as a path is refused at once, not waited on", async () => {
    const dir = freshFolder();
    const { execFileSync } = await import("node:child_process");
    execFileSync("mkfifo", [join(dir, "pipe.env")]);
    const result = await run(dir, ["check", "--env-file", "pipe.env", "pipe.env"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "pipe.env:1:1: error READ_FAILED: not a regular file (a FIFO); stackmod reads only regular files, so that no " +
        "path can make it wait forever: to read a stream, pipe it to standard input and give - as the path\n",
    );
    chmodSync(join(dir, "pipe.env"), 0o600);
  });
});
