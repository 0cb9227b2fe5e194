import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testDir } from "../helpers/paths.js";

const bin = resolve(testDir, "..", "bin", "stackmod.js");
const root = mkdtempSync(join(tmpdir(), "stackmod-bounded-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const compose = "services:\n  web:\n    image: nginx:${TAG}\n";

/**
 * The built binary under a cap on its address space (`ulimit -v`, in KiB), so that a read that does not stop
 * at the limit ends the child rather than the machine.
 */
function runCapped(args: string[], cwd: string, kib: number): Promise<{ code: number | null; stderr: string }> {
  const script = `ulimit -v ${kib} && exec "$0" -- "$@"`;
  return new Promise((done) => {
    execFile("sh", ["-c", script, process.execPath, bin, ...args], { cwd }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr });
    });
  });
}

describe("a regular file that says it is empty is read up to the limit, not to its end", () => {
  // /proc/self/pagemap says 0 bytes and gives 8 bytes for every page of the address space: gigabytes.
  it("a .env beside a Compose file, symlinked to /proc/self/pagemap: refused as too large", async () => {
    const dir = mkdtempSync(join(root, "pagemap-"));
    writeFileSync(join(dir, "compose.yml"), compose);
    symlinkSync("/proc/self/pagemap", join(dir, ".env"));
    const run = await runCapped(["check", "compose.yml"], dir, 4 * 1024 * 1024);
    expect(run).toEqual({
      code: 2,
      stderr:
        ".env:1:1: error FILE_TOO_LARGE: the input is over the limit of 5242880 bytes (reading stopped " +
        "there); if it is a genuine stack file, raise the limit with --max-bytes\n",
    });
  }, 120_000);

  it("--env-file /proc/self/pagemap and a stack file symlinked to it: each refused as too large", async () => {
    const dir = mkdtempSync(join(root, "pagemap-"));
    writeFileSync(join(dir, "compose.yml"), compose);
    symlinkSync("/proc/self/pagemap", join(dir, "stack.yml"));
    const envFile = await runCapped(["check", "--env-file", "/proc/self/pagemap", "compose.yml"], dir, 4 * 1024 * 1024);
    expect(envFile.code).toBe(2);
    expect(envFile.stderr).toMatch(/^\/proc\/self\/pagemap:1:1: error FILE_TOO_LARGE: /);
    const stack = await runCapped(["check", "stack.yml"], dir, 4 * 1024 * 1024);
    expect(stack.code).toBe(2);
    expect(stack.stderr).toMatch(/^stack\.yml:1:1: error FILE_TOO_LARGE: /);
  }, 240_000);
});
