// Runs commands side by side and summarises them: wall time, CPU time (user +
// system) and peak memory of each run, from GNU time when it is installed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const scratch = mkdtempSync(join(tmpdir(), "stackmod-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** One run of `argv` (output discarded): { wall, cpu, rssMiB, status } in milliseconds and MiB. */
export function runOnce(argv, { env, okStatus = [0, 1] } = {}) {
  const report = join(scratch, "time.txt");
  const command = gnuTime ? [gnuTime, "-f", "%U %S %M", "-o", report, ...argv] : argv;
  const start = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (!okStatus.includes(result.status)) {
    throw new Error(
      `${argv.join(" ")} exited with ${result.status ?? result.signal}:\n${String(result.stderr).slice(0, 2000)}`,
    );
  }
  if (!gnuTime) return { wall, cpu: NaN, rssMiB: NaN, status: result.status };
  const [user, system, rssKiB] = readFileSync(report, "utf8").trim().split("\n").pop().split(" ").map(Number);
  return { wall, cpu: (user + system) * 1000, rssMiB: rssKiB / 1024, status: result.status };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every command of a group once per round, in turn, so that they share the
 * machine's load; the first `warmup` rounds are thrown away. Returns, per label,
 * the median wall and CPU time and the largest peak memory.
 */
export function sideBySide(group, { rounds, warmup = 1, log = () => {} }) {
  const samples = Object.fromEntries(Object.keys(group).map((label) => [label, []]));
  for (let round = 0; round < warmup + rounds; round += 1) {
    for (const [label, run] of Object.entries(group)) {
      const sample = run();
      if (round >= warmup) samples[label].push(sample);
    }
    log(`  round ${round + 1}/${warmup + rounds}${round < warmup ? " (warm-up)" : ""}`);
  }
  return Object.fromEntries(
    Object.entries(samples).map(([label, runs]) => [
      label,
      {
        wall: median(runs.map((r) => r.wall)),
        cpu: median(runs.map((r) => r.cpu)),
        rssMiB: Math.max(...runs.map((r) => r.rssMiB)),
        runs: runs.length,
      },
    ]),
  );
}

export const hasGnuTime = Boolean(gnuTime);
