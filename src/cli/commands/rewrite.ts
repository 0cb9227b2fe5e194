import { dirname, resolve } from "node:path";
import { removeStaleTemporaries } from "../../io/atomic-write.js";
import { readConfigText } from "../../io/config-file.js";
import { StackmodError } from "../../errors.js";
import { exitCodes, type ExitCode } from "../../exit-codes.js";
import { describeExtraFiles } from "../../io/extra-files.js";
import { printablePath } from "../../emit/printable.js";
import { readingOnce, readInput, writeRewrite } from "../../io/file-run.js";
import type { DotenvCache } from "../../io/env-files.js";
import { readSource, readSourceFile, type SourceFile } from "../../io/inputs.js";
import { optionsFor } from "../parallel-check.js";
import { layeredRewrite } from "../../layered/per-file.js";
import { Reporter } from "../reporter.js";
import { rewrite, type RewriteResult } from "../../rewrite.js";
import { cliOptions, namedServices } from "./cli-options.js";
import { closestName } from "./closest-name.js";
import { internalError } from "../../errors.js";
import { loadOptions, readOptions, listRun, refuseCommonConflicts, type CommonFlags } from "./common.js";
import { usageError } from "./option-flags.js";
import type { CliIO } from "./io.js";
import { withSlowHeapGrowth } from "../heap-growth.js";

export interface RewriteFlags extends CommonFlags {
  write?: boolean;
  check?: boolean;
  strict?: boolean;
  stdout?: boolean;
  service?: string[];
  port?: string[];
  config?: string;
  fix?: string[];
  [optionFlag: string]: unknown;
}

type Computed = { path: string; source: SourceFile; result: RewriteResult } | { path: string; error: StackmodError };

export function runRewrite(paths: string[], flags: RewriteFlags, io: CliIO, argv: readonly string[]): ExitCode {
  refuseConflicts(paths, flags);
  const base = loadOptions(flags, io);
  const reading = readOptions(flags, io);
  const config = flags.config ? readConfigText(readSource(flags.config), flags.config) : undefined;
  const options = cliOptions(flags);
  const mode = flags.check ? "check" : flags.write ? "write" : flags.stdout ? "stdout" : "diff";
  const reporter = new Reporter("rewrite", flags, io, argv, mode);
  const inputs = listRun("rewrite", paths, flags, reporter);
  if (flags.stdout && inputs.length > 1) {
    throw usageError(
      `--stdout prints one rewritten file, and these paths name ${inputs.length}: name one file, or use ` +
        "--write or the diff",
    );
  }
  const rewriteOptions = {
    ...base,
    options,
    ...(config ? { config } : {}),
    ...(flags.service ? { services: flags.service } : {}),
    ...(flags.fix ? { fix: flags.fix } : {}),
  };
  // -c: the merge and the per-file loop both ask for each file; it is read once.
  const readLayer = flags.composeFile ? readingOnce((path) => readSourceFile(path, reading)) : undefined;
  const layered = flags.composeFile
    ? layeredRewrite(flags.composeFile, (path) => readLayer!(path).text, {
        ...rewriteOptions,
        ...optionsFor(flags.composeFile[0]!, base),
      })
    : undefined;
  const files = inputs.map((input) => input.path);
  // The files of one folder share its .env: read once for the run.
  const dotenvs: DotenvCache = new Map();
  // Every file the run reads: no extra file may be one of them.
  const read = [...files, ...(flags.config ? [flags.config] : []), ...(flags.envFile ?? [])];
  reporter.begin(files);
  reporter.detail(`options from the command line: ${JSON.stringify(options)}`);
  if (config) reporter.detail(`options from ${flags.config}: ${JSON.stringify(config)}`);
  // Every file is rewritten (in memory) before any is written: a service named on the
  // command line that no file has stops the run before it changes anything.
  const computed: Computed[] = inputs.map((input, index) => {
    const { path } = input;
    reporter.starting(index, path);
    try {
      const source = readLayer ? readLayer(path) : readInput(input, reading);
      const { text } = source;
      reporter.read(path, Buffer.byteLength(text));
      const result = withSlowHeapGrowth(text.length, () =>
        layered ? layered(path) : rewrite(text, { ...rewriteOptions, ...optionsFor(path, base, dotenvs) }),
      );
      return { path, source, result };
    } catch (error) {
      return { path, error: internalError(path, error) };
    }
  });
  const unknown = unknownServices(flags, computed);
  if (unknown) throw unknown;
  let failed = false;
  let wouldChange = false;
  let errorsLeft = false;
  let lostFlow = false;
  const cleaned = new Set<string>();
  const claimed = new Map<string, string>();
  for (const done of computed) {
    const { path } = done;
    try {
      if ("error" in done) throw done.error;
      const { source, result } = done;
      wouldChange ||= result.changed;
      errorsLeft ||= result.remainingInInput.length > 0;
      lostFlow ||= result.flows.some((flow) => flow.status === "lost");
      const { written, extras } = writeRewrite(path, source, result, {
        write: mode === "write",
        inputs: read,
        claimed,
        beforeWrite: () => cleanLeftovers(path, cleaned, io),
      });
      reporter.rewritten(path, result, written);
      if (flags.format === "text" && !flags.quiet && mode !== "check") {
        for (const line of describeExtraFiles(path, result.extraFiles, extras)) io.stderr(line + "\n");
      }
    } catch (error) {
      failed = true;
      reporter.failed(path, internalError(path, error));
    }
  }
  // --check fails where check would: on a file it would change, and on an error that no fix covers.
  const found = (flags.check && (wouldChange || errorsLeft)) || (flags.strict && lostFlow);
  const code = failed ? exitCodes.error : found ? exitCodes.found : exitCodes.ok;
  reporter.finish(code);
  return code;
}

/**
 * Flag combinations that have no one meaning are refused before anything is read
 * (README, "Command line": each decision is listed there).
 */
function refuseConflicts(paths: readonly string[], flags: RewriteFlags): void {
  const outputs = [flags.write && "--write", flags.check && "--check", flags.stdout && "--stdout"].filter(Boolean);
  if (outputs.length > 1) {
    throw usageError(
      `${outputs.join(" and ")} cannot be combined: --write rewrites the files, --check only says whether ` +
        "they would change (exit 1), --stdout prints the rewritten file; give one",
    );
  }
  if (flags.stdout && flags.format !== "text") {
    throw usageError(
      `--stdout prints the rewritten file, so it cannot be combined with --format ${flags.format}; the ` +
        `${flags.format} report carries the diff instead`,
    );
  }
  const stdin = flags.composeFile ? flags.composeFile.includes("-") : paths.includes("-");
  if (flags.write && stdin) {
    throw usageError(
      "--write cannot write standard input (-) back anywhere: use --stdout to print the rewritten file, or " +
        "name the file",
    );
  }
  refuseCommonConflicts(paths, flags);
}

/** `--service nosuch`, `--port nosuch=53/udp`: a name that none of the files has, with the closest one. */
function unknownServices(flags: RewriteFlags, computed: readonly Computed[]): StackmodError | undefined {
  const named = namedServices(flags);
  // A file that could not be read may hold the name: its own error says enough.
  if (named.size === 0 || computed.some((done) => "error" in done)) return undefined;
  const known = new Set(computed.flatMap((done) => ("result" in done ? done.result.serviceNames : [])));
  const missing = [...named].filter(([name]) => !known.has(name));
  if (missing.length === 0) return undefined;
  const files = computed.length === 1 ? computed[0]!.path : `any of the ${computed.length} files`;
  const lines = missing.map(([name, flag]) => {
    const close = closestName(name, known);
    return `${flag}: there is no service "${name}" in ${files}${close ? `; did you mean "${close}"?` : ""}`;
  });
  return usageError(lines.join("; "));
}

/** Before the first write into a folder: temporary files that a killed run left there are removed, and said so. */
function cleanLeftovers(path: string, folders: Set<string>, io: CliIO): void {
  const folder = dirname(resolve(path));
  if (folders.has(folder)) return;
  folders.add(folder);
  for (const leftover of removeStaleTemporaries(path)) {
    io.stderr(
      `${printablePath(path)}: removed ${printablePath(leftover.path)}, a temporary file left by an interrupted ` +
        `stackmod run (pid ${leftover.pid})\n`,
    );
  }
}
