import { readFileSync } from "node:fs";
import type { Environment } from "../interpolate.js";

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => Buffer;
  env: Environment;
  /** Which streams are terminals: colour, the progress line. Absent means neither. */
  isTTY?: { stdout?: boolean; stderr?: boolean };
}

export const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => readFileSync(0),
  env: process.env,
  isTTY: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
};

