import { checkInParallel, optionsFor } from "../parallel-check.js";
import { check } from "../../check.js";
import { exitCodes, type ExitCode } from "../../exit-codes.js";
import { readSource } from "../../io/inputs.js";
import { Reporter } from "../reporter.js";
import { internalError, loadOptions, readOptions, listRun, refuseCommonConflicts, type CommonFlags } from "./common.js";
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
  // Loaded only for -c: the layered pipeline brings the rewrite path (transforms, diff) with it.
  const layered = flags.composeFile
    ? (await import("../../layered/per-file.js")).layeredCheck(
        flags.composeFile,
        (path) => readSource(path, reading),
        optionsFor(flags.composeFile[0]!, options),
      )
    : undefined;
  const files = inputs.map((input) => input.path);
  reporter.begin(files);
  reporter.detail(
    `options: ${JSON.stringify({ target: flags.target ?? "detect", envFiles: flags.envFile ?? [], maxBytes: flags.maxBytes ?? null })}`,
  );
  const parallel = layered || inputs.some((input) => input.error) ? undefined : await checkInParallel(files, options);
  if (parallel)
    reporter.detail(`checked on two threads: the worker thread took ${parallel.workerFiles} of ${files.length} files`);
  for (const [index, { path, error: listing }] of inputs.entries()) {
    reporter.starting(index, path);
    try {
      if (listing) throw listing;
      const done = parallel?.outcomes[index];
      let result;
      if (done) {
        if (done.bytes !== undefined) reporter.read(path, done.bytes);
        if (done.error) throw done.error;
        result = done.result!;
      } else {
        const source = readSource(path, reading);
        reporter.read(path, Buffer.byteLength(source));
        result = withSlowHeapGrowth(source.length, () =>
          layered ? layered(path) : check(source, optionsFor(path, options)),
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
