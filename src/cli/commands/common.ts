import type { Dialect } from "../../model/types.js";
import { readSource, type ReadOptions } from "../../io/inputs.js";
import { parseEnvFile, type Environment } from "../../model/interpolate.js";
import type { ReportFlags } from "../reporter.js";
import type { Input } from "../../io/inputs.js";
import { commandLine } from "../../edit/shell-quote.js";
import type { Reporter } from "../reporter.js";
import { keptBytesLimit, overrideBase, scanPaths } from "../../io/scan.js";
import type { CliIO } from "./io.js";
import { usageError } from "./option-flags.js";

/** The flags `check` and `rewrite` share. */
export interface CommonFlags extends ReportFlags {
  envFile?: string[];
  target?: Dialect;
  maxBytes?: number;
  maxAliases?: number;
  composeFile?: string[];
  engine?: string;
}

/**
 * The variables for `${VAR}`: the shell's own environment wins over the env files, and a
 * later `--env-file` over an earlier one, as in Compose. An env file is only data: it is
 * read here as text, never given to Node.js (bin/stackmod.js says how that is kept so).
 */
function environment(flags: CommonFlags, io: CliIO): Environment {
  if (!flags.envFile) return io.env;
  const files = flags.envFile.map((file) => parseEnvFile(readSource(file)));
  return { ...Object.assign({}, ...files), ...io.env };
}

/**
 * The inputs of a run: the -c files, or what the paths name (folders scanned). What a
 * scan skipped is said: other YAML under --verbose, anything but a regular file always;
 * an override file found beside the file it overrides gets the layered command to run.
 */
export function listRun(
  command: "check" | "rewrite",
  paths: readonly string[],
  flags: CommonFlags,
  reporter: Reporter,
): Input[] {
  if (flags.composeFile) return flags.composeFile.map((path) => ({ path }));
  // What a scan reads to find the stack files is kept: the run decodes it instead of reading the file again.
  const listing = scanPaths(paths.length > 0 ? paths : ["."], { maxBytes: flags.maxBytes, keepBytes: keptBytesLimit });
  for (const skipped of listing.skipped) {
    if (skipped.quiet) reporter.detail(`skipped ${skipped.path}: ${skipped.reason}`);
    else reporter.warn(`${skipped.path}: skipped: ${skipped.reason}; stackmod reads only regular files`);
  }
  const found = new Set(listing.inputs.map((input) => input.path));
  for (const { path } of listing.inputs) {
    const base = paths.includes(path) ? undefined : overrideBase(path, found);
    if (base) {
      reporter.warn(
        `${path} overrides ${base}: checked alone here, while it is deployed layered over it; check the two ` +
          `together: ${commandLine(["stackmod", command, "-c", base, "-c", path])}`,
      );
    }
  }
  return listing.inputs;
}

/** Combinations that `check` and `rewrite` both refuse (README, "Command line"). */
export function refuseCommonConflicts(paths: readonly string[], flags: CommonFlags): void {
  if (flags.composeFile && paths.length > 0) {
    throw usageError(
      `paths (${paths.join(" ")}) and -c cannot be combined: -c names every file of one stack; check other ` +
        "files in a run of their own",
    );
  }
  if (flags.quiet && flags.verbose) throw usageError("--quiet and --verbose cannot be combined; give one");
  const stdin = (flags.composeFile ?? paths).filter((path) => path === "-").length;
  if (stdin > 1) throw usageError("standard input (-) can be read only once; give - once");
}

export function loadOptions(flags: CommonFlags, io: CliIO) {
  return {
    env: environment(flags, io),
    // Compose reads the .env beside a Compose file unless --env-file names others.
    dotenvBeside: !flags.envFile,
    ...(flags.target ? { target: flags.target } : {}),
    ...(flags.engine ? { engine: flags.engine } : {}),
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
