import { writeFileAtomic } from "./atomic-write.js";
import { check, type CheckOptions, type CheckResult } from "../check.js";
import { StackmodError } from "../errors.js";
import { checkExtraFile, writeExtraFile } from "./extra-files.js";
import { listInputs, readSource } from "./inputs.js";
import { rewrite, type RewriteOptions, type RewriteResult } from "../rewrite.js";

export { removeStaleTemporaries, writeFileAtomic } from "./atomic-write.js";
export { expandPaths, readSource } from "./inputs.js";

export interface RewriteFileOptions extends Omit<RewriteOptions, "file"> {
  /** Write the result in place (default false: only compute it). */
  write?: boolean;
}

/**
 * Reads, rewrites and (with `write`) replaces one file, writing first any file a strategy
 * asks for beside it (the lan setup script); an unchanged file is never written. Such a
 * file must be new or an earlier stackmod file inside the stack file's folder (checkExtraFile).
 * Throws a StackmodError (`code`, `file`, `line`, `column`) for bad input or a service
 * that cannot be rewritten as asked; nothing is written then.
 *
 * @example
 * const result = rewriteFile("deploy/stack.yml", {
 *   write: true,
 *   env: process.env,
 *   options: { services: { bacnet: { ports: ["47808/udp"] } } },
 * });
 * if (result.written) console.log(result.applied.map((a) => `${a.service}: ${a.strategy}`).join("\n"));
 */
export function rewriteFile(path: string, options: RewriteFileOptions = {}): RewriteResult & { written: boolean } {
  const source = readSource(path, { maxBytes: options.limits?.maxBytes });
  const result = rewrite(source, { ...options, file: path });
  const written = Boolean(options.write) && result.changed && path !== "-";
  const context = { stackFile: path, inputs: [path] };
  for (const extra of result.extraFiles) checkExtraFile(extra, context);
  if (written) {
    // The setup script first, as the CLI does: a stack file naming a network nobody can create is worse than a spare script.
    for (const extra of result.extraFiles) writeExtraFile(extra, context);
    writeFileAtomic(path, result.output, { expected: source });
  }
  return { ...result, written };
}

/** The options of `checkFiles`: those of `check`, less the file name, which comes from each path. */
export type CheckFilesOptions = Omit<CheckOptions, "file">;

/**
 * Checks files and folders (folders are searched for stack and Compose files, see scanPaths); one
 * result or one StackmodError per file, in path order: it never throws for a bad file.
 *
 * @example
 * for (const result of checkFiles(["deploy/"], { env: process.env })) {
 *   if (result instanceof StackmodError) console.error(result.format());
 *   else for (const finding of result.findings) console.error(formatFinding(finding));
 * }
 */
export function checkFiles(paths: readonly string[], options: CheckFilesOptions = {}): (CheckResult | StackmodError)[] {
  return listInputs(paths).map(({ path, error: listing }) => {
    if (listing) return listing;
    try {
      return check(readSource(path, { maxBytes: options.limits?.maxBytes }), { ...options, file: path });
    } catch (error) {
      if (error instanceof StackmodError) return error;
      throw error;
    }
  });
}
