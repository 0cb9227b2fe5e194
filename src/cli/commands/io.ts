import { fstatSync, statSync, writeSync } from "node:fs";
import { readBounded } from "../../io/inputs.js";
import type { Environment } from "../../model/interpolate.js";

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input, read up to `maxBytes` + 1 bytes. */
  stdin: (maxBytes: number) => Buffer;
  env: Environment;
  /** Which streams are terminals: colour, the progress line. Absent means neither. */
  isTTY?: { stdout?: boolean; stderr?: boolean };
}

/**
 * The process's own streams, written with synchronous writes on file descriptors 1 and 2.
 * `process.stdout` and `process.stderr` are not touched: creating them loads node:tty,
 * node:net and the stream modules, several milliseconds of every cold start, and a
 * command line tool that writes its report and exits gains nothing from their buffering.
 */
export const processIO: CliIO = {
  stdout: (text) => writeAll(1, text),
  stderr: (text) => writeAll(2, text),
  stdin: (maxBytes) => readBounded(0, maxBytes),
  env: process.env,
  isTTY: {
    get stdout() {
      return isTerminal(1);
    },
    get stderr() {
      return isTerminal(2);
    },
  },
};

const waitCell = new Int32Array(new SharedArrayBuffer(4));

function writeAll(fd: number, text: string): void {
  let bytes = Buffer.from(text);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(fd, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A non-blocking pipe that is full: wait a moment for its reader.
      if (code === "EAGAIN") Atomics.wait(waitCell, 0, 0, 1);
      // The reader went away (`stackmod check | head -1`): the rest has nobody to read it.
      else if (code === "EPIPE") return;
      else throw error;
    }
  }
}

const terminals = new Map<number, boolean>();

/**
 * Whether `fd` is a terminal. Only a character device can be one, and /dev/null is
 * the common character device that is not: both are settled by a stat, so node:tty
 * (and the modules behind it) is loaded only when output really may go to a terminal.
 */
function isTerminal(fd: number): boolean {
  let answer = terminals.get(fd);
  if (answer === undefined) {
    answer = couldBeTerminal(fd) && process.getBuiltinModule("node:tty").isatty(fd);
    terminals.set(fd, answer);
  }
  return answer;
}

function couldBeTerminal(fd: number): boolean {
  try {
    const stream = fstatSync(fd);
    if (!stream.isCharacterDevice()) return false;
    const devNull = statSync("/dev/null", { throwIfNoEntry: false });
    return !(devNull && devNull.isCharacterDevice() && devNull.rdev === stream.rdev);
  } catch {
    return false;
  }
}
