import { availableParallelism, loadavg } from "node:os";
import { check, type CheckOptions, type CheckResult } from "../check.js";
import { StackmodError, type ErrorCode } from "../errors.js";
import { readSource } from "../inputs.js";

/** What checking one file gave: its text and result, or the error (and the text when it was read). */
export interface Outcome {
  source?: string;
  result?: CheckResult;
  error?: unknown;
}

/** Errors cross the thread boundary as plain data: a StackmodError keeps its code and position. */
type SentError = { stackmod: true; code: ErrorCode; message: string; file: string; line: number; column: number } | { stackmod: false; name: string; message: string };
type SentOutcome = { source?: string; result?: CheckResult; error?: SentError };

/** Below this many files a worker's start-up costs more than it saves. */
const minFiles = 64;
/** Files go to the threads in alternating chunks, so both get a mix of small and big ones. */
const chunkSize = 8;

let workerScript: string | undefined;

/** Lets `checkFiles` run a worker thread from `script` (the CLI entry, which calls `runBatchWorker` in a worker). */
export function enableWorkers(script: string): void {
  workerScript = script;
}

function checkOne(path: string, options: CheckOptions): SentOutcome {
  let source: string | undefined;
  try {
    source = readSource(path);
    return { source, result: check(source, { ...options, file: path }) };
  } catch (error) {
    if (error instanceof StackmodError) {
      const { code, message, file, line, column } = error;
      return { source, error: { stackmod: true, code, message, file, line, column } };
    }
    const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
    return { source, error: { stackmod: false, name, message } };
  }
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
 */
export async function checkInParallel(paths: readonly string[], options: CheckOptions): Promise<Outcome[] | undefined> {
  if (!workerScript || paths.length < minFiles || paths.includes("-") || !secondThreadPays()) return undefined;
  const mine: number[] = [];
  const theirs: number[] = [];
  paths.forEach((_, index) => (Math.floor(index / chunkSize) % 2 === 0 ? mine : theirs).push(index));
  // Loaded here, not at start-up: node:worker_threads pulls in the stream modules, a cold start's cost.
  const { Worker } = await import("node:worker_threads");
  const worker = new Worker(workerScript, { workerData: { stackmodBatch: true }, stdout: true, stderr: true });
  const answer = new Promise<SentOutcome[]>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the worker thread exited with ${code}`)));
  });
  answer.catch(() => undefined);
  worker.postMessage({ paths: theirs.map((index) => paths[index]), options });
  const outcomes: Outcome[] = new Array(paths.length);
  for (const index of mine) outcomes[index] = received(checkOne(paths[index]!, options));
  let sent: SentOutcome[] | undefined;
  try {
    sent = await answer;
  } catch {
    // A worker that could not start or died: this thread checks its files too.
  }
  await worker.terminate();
  theirs.forEach((index, n) => {
    outcomes[index] = sent ? received(sent[n]!) : received(checkOne(paths[index]!, options));
  });
  return outcomes;
}

/**
 * A second thread pays off when a second core is free: on a machine whose cores
 * are all busy it only adds its start-up. STACKMOD_THREADS=1 or 2 decides instead.
 */
function secondThreadPays(): boolean {
  const asked = process.env.STACKMOD_THREADS;
  if (asked === "1" || asked === "2") return asked === "2";
  const cores = availableParallelism();
  return cores >= 2 && loadavg()[0]! <= cores - 1;
}

/** The worker's side: check the files it is sent, answer once. */
export async function runBatchWorker(): Promise<void> {
  const { parentPort } = await import("node:worker_threads");
  parentPort?.once("message", ({ paths, options }: { paths: string[]; options: CheckOptions }) => {
    parentPort!.postMessage(paths.map((path) => checkOne(path, options)));
  });
}
