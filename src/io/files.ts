import { check, type CheckOptions, type CheckResult } from "../check.js";
import { StackmodError } from "../errors.js";
import { readInput, writeRewrite } from "./file-run.js";
import { listInputs, readSourceFile } from "./inputs.js";
import { keptBytesLimit } from "./scan.js";
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
  const source = readSourceFile(path, { maxBytes: options.limits?.maxBytes });
  const result = rewrite(source.text, { ...options, file: path });
  const { written } = writeRewrite(path, source, result, { write: Boolean(options.write), inputs: [path] });
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
  const maxBytes = options.limits?.maxBytes;
  return listInputs(paths, { maxBytes, keepBytes: keptBytesLimit }).map((input) => {
    if (input.error) return input.error;
    try {
      return check(readInput(input, { maxBytes }).text, { ...options, file: input.path });
    } catch (error) {
      if (error instanceof StackmodError) return error;
      throw error;
    }
  });
}
