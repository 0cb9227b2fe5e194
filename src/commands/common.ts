import type { Dialect } from "../model/types.js";
import { StackmodError } from "../errors.js";
import { readSource, type ReadOptions } from "../inputs.js";
import { parseEnvFile, type Environment } from "../interpolate.js";
import type { ReportFlags } from "../report/reporter.js";
import type { CliIO } from "./io.js";

/** The flags `check` and `rewrite` share. */
export interface CommonFlags extends ReportFlags {
  envFile?: string;
  target?: Dialect;
  maxBytes?: number;
  maxAliases?: number;
  composeFile?: string[];
}

/** A bug must not stop the other files: it becomes this file's error, exit 2. */
export function internalError(file: string, error: unknown): StackmodError {
  if (error instanceof StackmodError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StackmodError(
    "INTERNAL",
    `stackmod failed unexpectedly (${text}); nothing was written for this file. Please report it with the file`,
    { file, line: 1, column: 1 },
  );
}

function environment(flags: CommonFlags, io: CliIO): Environment {
  if (!flags.envFile) return io.env;
  return { ...io.env, ...parseEnvFile(readSource(flags.envFile)) };
}

export function loadOptions(flags: CommonFlags, io: CliIO) {
  return {
    env: environment(flags, io),
    ...(flags.target ? { target: flags.target } : {}),
    limits: {
      ...(flags.maxBytes ? { maxBytes: flags.maxBytes } : {}),
      ...(flags.maxAliases ? { maxAliasCount: flags.maxAliases } : {}),
    },
  };
}

/** How the command reads its inputs: standard input from `io`, within `--max-bytes`. */
export function readOptions(flags: CommonFlags, io: CliIO): ReadOptions {
  return { stdin: io.stdin, maxBytes: flags.maxBytes };
}
