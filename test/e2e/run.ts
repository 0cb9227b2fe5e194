// Child-process helpers for the e2e harness: every command is explicit, with an explicit env.
import { execFile, spawnSync, type ExecFileOptions } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
  /** Return the result instead of throwing when the command exits non-zero. */
  allowFail?: boolean;
}

/** Run a command (no shell), collect its output; throw with the output on failure unless allowFail. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const options: ExecFileOptions = {
    env: opts.env ?? process.env,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
    killSignal: "SIGKILL",
  };
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, [...args], options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      const result = { code, stdout: String(stdout), stderr: String(stderr) };
      if (code !== 0 && !opts.allowFail) {
        const why = error?.killed ? `killed after ${options.timeout} ms` : `exit ${code}`;
        reject(new Error(`${cmd} ${args.join(" ")}: ${why}\n${result.stderr}${result.stdout}`.trim()));
      } else resolve(result);
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `probe` until it returns a value other than undefined, or throw after timeoutMs. */
export async function poll<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Synchronous run, for teardown paths that must finish inside an 'exit' handler or a signal handler. */
export function runSync(cmd: string, args: readonly string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(cmd, [...args], {
    env: opts.env ?? process.env,
    timeout: opts.timeoutMs ?? 60_000,
    input: opts.input ?? "",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    killSignal: "SIGKILL",
  });
  const result = { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  if (result.code !== 0 && !opts.allowFail) {
    throw new Error(
      `${cmd} ${args.join(" ")}: exit ${result.code}${r.error ? ` (${r.error.message})` : ""}\n${result.stderr}`.trim(),
    );
  }
  return result;
}

/** Block the thread for ms (teardown only). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
