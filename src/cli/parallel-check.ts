import { availableParallelism } from "node:os";
import { check, type CheckOptions, type CheckResult } from "../check.js";
import { StackmodError, type ErrorCode } from "../errors.js";
import { dotenvBeside, type DotenvCache } from "../io/env-files.js";
import { readInput } from "../io/file-run.js";
import type { Input } from "../io/inputs.js";
import { withSlowHeapGrowth } from "./heap-growth.js";

/** What checking one file gave: its size and result, or the error (and the size when it was read). */
interface Outcome {
  /** Bytes read, for `--verbose`: the text itself stays in the thread that checked it. */
  bytes?: number;
  result?: CheckResult;
  error?: unknown;
}

/** The outcome of every file, in the order of the paths, and how many of them the worker checked. */
export interface ParallelCheck {
  outcomes: Outcome[];
  workerFiles: number;
}

/** Errors cross the thread boundary as plain data: a StackmodError keeps its code and position. */
type SentError =
  | { stackmod: true; code: ErrorCode; message: string; file: string; line: number; column: number }
  | { stackmod: false; name: string; message: string };
type SentOutcome = { bytes?: number; result?: CheckResult; error?: SentError };

/**
 * Below this many files a second thread costs as much as it saves: a new thread
 * loads the CLI and runs yaml's parser cold until V8 has optimised it, and on two
 * cores its compilations compete with both threads (the figures: bench/README.md,
 * "Worker threads").
 */
const minFiles = 2_000;
/** Files are taken a chunk at a time: few enough claims to be cheap, small enough to balance. */
const chunkSize = 8;

let workerScript: string | undefined;

/** Lets `checkFiles` run a worker thread from `script` (the CLI entry, which calls `runBatchWorker` in a worker). */
export function enableWorkers(script: string): void {
  workerScript = script;
}

/** The options of a batch: those of `check`, and whether each file's `.env` beside it is read (Compose's default). */
export type BatchOptions = CheckOptions & { dotenvBeside?: boolean };

/**
 * One file's options: the batch's, with the `.env` beside it when the batch reads those
 * (through `dotenvs`, the run's cache, each `.env` once).
 */
export function optionsFor(path: string, options: BatchOptions, dotenvs?: DotenvCache): CheckOptions {
  const { dotenvBeside: beside, ...rest } = options;
  const dotenv = beside ? dotenvBeside(path, options.limits?.maxBytes, dotenvs) : undefined;
  return { ...rest, file: path, ...(dotenv ? { dotenv } : {}) };
}

/** One file to check: its path, and the bytes a folder scan already read of it. */
interface Job {
  path: string;
  bytes?: Uint8Array;
}

function checkOne({ path, bytes: read }: Job, options: BatchOptions, dotenvs: DotenvCache): SentOutcome {
  let bytes: number | undefined;
  try {
    const source = readInput(
      { path, ...(read ? { bytes: asBuffer(read) } : {}) },
      { maxBytes: options.limits?.maxBytes },
    ).text;
    bytes = Buffer.byteLength(source);
    return {
      bytes,
      result: withSlowHeapGrowth(source.length, () => check(source, optionsFor(path, options, dotenvs))),
    };
  } catch (error) {
    if (error instanceof StackmodError) {
      const { code, message, file, line, column } = error;
      return { bytes, error: { stackmod: true, code, message, file, line, column } };
    }
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    return { bytes, error: { stackmod: false, name, message } };
  }
}

/** Bytes sent to the worker arrive as a plain Uint8Array: a view of the same memory, with Buffer's methods. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function received(outcome: SentOutcome): Outcome {
  const { error } = outcome;
  if (!error) return outcome;
  if (error.stackmod) return { ...outcome, error: new StackmodError(error.code, error.message, error) };
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return { ...outcome, error: rebuilt };
}

/**
 * Checks many files on two threads (this one and a worker), results in the order
 * of `paths`. Undefined when that would not pay off or is not possible (few
 * files, standard input, one core, no worker entry): check them one by one then.
 *
 * The threads take chunks of files from a shared counter, so a worker that starts
 * late or runs on a busy core simply takes fewer; one that has taken none when this
 * thread runs out is stopped instead of waited for.
 */
export async function checkInParallel(
  inputs: readonly Input[],
  options: BatchOptions,
): Promise<ParallelCheck | undefined> {
  const paths = inputs.map((input) => input.path);
  if (!workerScript || paths.length < chunkSize * 2 || paths.includes("-") || !secondThreadPays(paths.length))
    return undefined;
  // Loaded here, not at start-up: node:worker_threads pulls in the stream modules, a cold start's cost.
  const { Worker } = await import("node:worker_threads");
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(workerScript, { workerData: { stackmodBatch: true }, stdout: true, stderr: true });
  const answer = new Promise<[number, SentOutcome][]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the worker thread exited with ${code}`)));
  });
  answer.catch(() => undefined);
  const jobs: Job[] = inputs.map((input) =>
    input.bytes ? { path: input.path, bytes: input.bytes } : { path: input.path },
  );
  worker.postMessage({ jobs, options, shared: shared.buffer });
  const outcomes: Outcome[] = new Array(paths.length);
  const dotenvs: DotenvCache = new Map();
  forEachClaimed(shared, jobs.length, (index) => {
    outcomes[index] = received(checkOne(jobs[index]!, options, dotenvs));
  });
  let workerFiles = 0;
  if (Atomics.load(shared, workerStarted) === 1) {
    try {
      const sent = await answer;
      for (const [index, outcome] of sent) outcomes[index] = received(outcome);
      workerFiles = sent.length;
    } catch {
      // A worker that died: this thread checks what it had taken.
    }
  }
  await worker.terminate();
  jobs.forEach((job, index) => (outcomes[index] ??= received(checkOne(job, options, dotenvs))));
  return { outcomes, workerFiles };
}

/** Slots of the shared counters: the next chunk to take, and whether the worker has begun taking. */
const nextChunk = 0;
const workerStarted = 1;

function forEachClaimed(shared: Int32Array, count: number, visit: (index: number) => void): void {
  for (
    let chunk = Atomics.add(shared, nextChunk, 1);
    chunk * chunkSize < count;
    chunk = Atomics.add(shared, nextChunk, 1)
  ) {
    for (let index = chunk * chunkSize; index < Math.min(count, (chunk + 1) * chunkSize); index += 1) visit(index);
  }
}

/**
 * A second thread pays off with a second core and enough files; on a busy machine
 * the shared counter keeps its cost to its start-up. STACKMOD_THREADS=1 or 2 decides instead.
 */
function secondThreadPays(files: number): boolean {
  const asked = process.env.STACKMOD_THREADS;
  if (asked === "1" || asked === "2") return asked === "2";
  return files >= minFiles && availableParallelism() >= 2;
}

/** The worker's side: check the files it is sent, answer once. */
export async function runBatchWorker(): Promise<void> {
  const { parentPort } = await import("node:worker_threads");
  parentPort?.once(
    "message",
    ({ jobs, options, shared: buffer }: { jobs: Job[]; options: BatchOptions; shared: SharedArrayBuffer }) => {
      const shared = new Int32Array(buffer);
      Atomics.store(shared, workerStarted, 1);
      const done: [number, SentOutcome][] = [];
      const dotenvs: DotenvCache = new Map();
      forEachClaimed(shared, jobs.length, (index) => done.push([index, checkOne(jobs[index]!, options, dotenvs)]));
      parentPort!.postMessage(done);
    },
  );
}
