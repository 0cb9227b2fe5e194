import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { testDir } from "../helpers/paths.js";

const repo = resolve(testDir, "..");
const fixtures = join(repo, "test", "fixtures");
const dir = mkdtempSync(join(tmpdir(), "stackmod-parallel-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * 80 stack files (STACKMOD_THREADS=2 starts the worker below the 2,000 files it takes by default): every fixture input,
 * copied round-robin, plus one broken file.
 */
function makeTree(): void {
  const inputs = readdirSync(fixtures, { recursive: true, encoding: "utf8" })
    .filter((p) => p.endsWith(".input.yml"))
    .sort();
  for (let i = 0; i < 80; i += 1) {
    const folder = join(dir, `team-${i % 5}`);
    mkdirSync(folder, { recursive: true });
    cpSync(join(fixtures, inputs[i % inputs.length]!), join(folder, `${String(i).padStart(3, "0")}-stack.yml`));
  }
  writeFileSync(join(dir, "team-2", "broken-stack.yml"), "services:\n  app: [unclosed\n");
}

async function inProcess(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdin: () => Buffer.alloc(0),
    env: {},
  });
  return { status, stdout, stderr };
}

function throughWorker(args: string[]): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [join(repo, "bin", "stackmod.js"), ...args], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, STACKMOD_THREADS: "2" },
      stdio: "pipe",
    });
    return { status: 0, stdout, stderr: "" };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("check over many files on two threads (node bin/stackmod.js, STACKMOD_THREADS=2)", () => {
  makeTree();
  for (const format of ["text", "json"]) {
    it(`prints the same ${format} report, in the same order, as one thread`, async () => {
      const args = ["check", dir, "--format", format, "--no-color"];
      const one = await inProcess(args);
      const two = throughWorker(args);
      expect(one.status).toBe(2);
      expect(two).toEqual(one);
    });
  }
});

describe("the two threads share the files", () => {
  it("the worker thread takes some of 400 files (--verbose says how many) and every file is reported once", () => {
    const many = join(dir, "many");
    const input = join(
      fixtures,
      "proxy",
      readdirSync(join(fixtures, "proxy"))
        .filter((p) => p.endsWith(".input.yml"))
        .sort()[0]!,
    );
    for (let i = 0; i < 400; i += 1) {
      mkdirSync(join(many, `team-${i % 10}`), { recursive: true });
      cpSync(input, join(many, `team-${i % 10}`, `${String(i).padStart(3, "0")}-stack.yml`));
    }
    const run = throughWorker(["check", many, "--verbose", "--format", "json"]);
    const took = /the worker thread took (\d+) of 400 files/.exec(run.stderr);
    expect(took, run.stderr).not.toBeNull();
    expect(Number(took![1])).toBeGreaterThan(0);
    const report = JSON.parse(run.stdout) as { files: { file: string }[] };
    expect(report.files.map((f) => f.file)).toEqual(
      readdirSync(many, { recursive: true, encoding: "utf8" })
        .filter((p) => p.endsWith(".yml"))
        .map((p) => join(many, p))
        .sort(),
    );
  });
});
