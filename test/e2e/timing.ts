// Phase timings, appended to a file in the engine dir (tests run in a worker, setup in the main process).
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";

const pending: string[] = [];

/** Run fn and record how long it took under `label` (in dir/timings.tsv, or in memory until a dir exists). */
export async function timed<T>(dir: string | undefined, label: string, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    recordTiming(dir, label, performance.now() - t0);
  }
}

export function recordTiming(dir: string | undefined, label: string, ms: number): void {
  const line = `${label}\t${Math.round(ms)}\n`;
  if (!dir) return void pending.push(line);
  appendFileSync(join(dir, "timings.tsv"), pending.splice(0).join("") + line);
}

/** A table of every recorded timing, for printing at teardown. */
export function timingReport(dir: string | undefined): string {
  let text = pending.join("");
  try {
    if (dir) text += readFileSync(join(dir, "timings.tsv"), "utf8");
  } catch {
    /* none yet */
  }
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const [label, ms] = l.split("\t");
      return `  ${(Number(ms) / 1000).toFixed(1).padStart(6)} s  ${label}`;
    })
    .join("\n");
}
