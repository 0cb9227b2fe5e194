// The real stackmod CLI (bin/stackmod.js, i.e. the built dist/) as the scenarios run it.
import { existsSync, statSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run, type RunResult } from "./run.js";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(REPO, "bin", "stackmod.js");
const BUILT = join(REPO, "dist", "src", "cli", "main.js");
let warned = false;

/** `node bin/stackmod.js ...args` (give absolute paths); never throws on a non-zero exit. */
export async function stackmod(
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  if (!existsSync(BUILT)) throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
  if (!warned) {
    warned = true;
    const stale = newestSource() > statSync(BUILT).mtimeMs;
    if (stale)
      console.error(
        "[e2e] WARNING: src/ or transforms/ is newer than dist/: the scenarios run the built CLI; run `npm run build`",
      );
  }
  const env = { ...process.env, NO_COLOR: "1", ...opts.env };
  return run(process.execPath, [BIN, ...args], { allowFail: true, ...opts, env });
}

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ["src"]) walk(join(REPO, dir));
  return newest;
}
