import { checkInParallel, optionsFor } from "../parallel-check.js";
import { check } from "../../check.js";
import { exitCodes, type ExitCode } from "../../exit-codes.js";
import { readingOnce, readInput } from "../../io/file-run.js";
import type { DotenvCache } from "../../io/env-files.js";
import { readSource } from "../../io/inputs.js";
import { Reporter } from "../reporter.js";
import { internalError } from "../../errors.js";
import { loadOptions, readOptions, listRun, refuseCommonConflicts, type CommonFlags } from "./common.js";
import type { CliIO } from "./io.js";
import { withSlowHeapGrowth } from "../heap-growth.js";

/** `stackmod check`: findings for every file, exit 0 (none), 1 (conflicts) or 2 (bad input). */
export async function runCheck(
  paths: string[],
  flags: CommonFlags,
  io: CliIO,
  argv: readonly string[],
): Promise<ExitCode> {
  refuseCommonConflicts(paths, flags);
  const options = loadOptions(flags, io);
  const reading = readOptions(flags, io);
  const reporter = new Reporter("check", flags, io, argv);
  let found = false;
  let failed = false;
  const inputs = listRun("check", paths, flags, reporter);
  // -c: the merge and the per-file loop both ask for each file; it is read once.
  const readLayer = flags.composeFile ? readingOnce((path) => readSource(path, reading)) : undefined;
  // Loaded only for -c: the layered pipeline brings the rewrite path (transforms, diff) with it.
  const layered = flags.composeFile
    ? (await import("../../layered/per-file.js")).layeredCheck(
        flags.composeFile,
        readLayer!,
        optionsFor(flags.composeFile[0]!, options),
      )
    : undefined;
  const files = inputs.map((input) => input.path);
  // The files of one folder share its .env: read once for the run.
  const dotenvs: DotenvCache = new Map();
  reporter.begin(files);
  const shown = { target: flags.target ?? "detect", envFiles: flags.envFile ?? [], maxBytes: flags.maxBytes ?? null };
  reporter.detail(`options: ${JSON.stringify(shown)}`);
  const parallel = layered || inputs.some((input) => input.error) ? undefined : await checkInParallel(inputs, options);
  if (parallel)
    reporter.detail(`checked on two threads: the worker thread took ${parallel.workerFiles} of ${files.length} files`);
  for (const [index, input] of inputs.entries()) {
    const { path } = input;
    reporter.starting(index, path);
    try {
      if (input.error) throw input.error;
      const done = parallel?.outcomes[index];
      let result;
      if (done) {
        if (done.bytes !== undefined) reporter.read(path, done.bytes);
        if (done.error) throw done.error;
        result = done.result!;
      } else {
        const source = readLayer ? readLayer(path) : readInput(input, reading).text;
        reporter.read(path, Buffer.byteLength(source));
        result = withSlowHeapGrowth(source.length, () =>
          layered ? layered(path) : check(source, optionsFor(path, options, dotenvs)),
        );
      }
      found ||= result.findings.some((f) => f.severity === "error");
      reporter.checked(path, result);
    } catch (error) {
      failed = true;
      reporter.failed(path, internalError(path, error));
    }
  }
  const code = failed ? exitCodes.error : found ? exitCodes.found : exitCodes.ok;
  reporter.finish(code);
  return code;
}
