import type { CheckOptions, CheckResult } from "../check.js";
import { StackmodError } from "../errors.js";
import { checkLayered, rewriteLayered, type Layer, type LayeredRewriteResult } from "./layered.js";
import type { Finding } from "../rules/index.js";
import type { RewriteOptions, RewriteResult } from "../rewrite.js";

/**
 * The per-file results of one layered run (`-c A -c B`), for the CLI's per-file
 * loop: computed once, on first use. An error belongs to the file it names; the
 * other files of the stack are reported as not done because of it.
 */
function perFile<T extends { file: string }>(
  files: readonly string[],
  read: (path: string) => string,
  run: (layers: Layer[]) => T[],
): (path: string) => T {
  let results: Map<string, T> | undefined;
  let failure: StackmodError | undefined;
  return (path) => {
    if (!results && !failure) {
      try {
        results = new Map(run(files.map((file) => ({ file, text: read(file) }))).map((r) => [r.file, r]));
      } catch (error) {
        if (!(error instanceof StackmodError)) throw error;
        failure = error;
      }
    }
    if (failure) {
      if (failure.file === path || (!files.includes(failure.file) && path === files[0])) throw failure;
      throw new StackmodError(
        failure.code,
        `not processed: the stack's file ${failure.file}:${failure.line}:${failure.column} has an error`,
        { file: path, line: 1, column: 1 },
      );
    }
    return results!.get(path)!;
  };
}

/** `check -c A -c B`: each file's share of the merged stack's findings. */
export function layeredCheck(
  files: readonly string[],
  read: (path: string) => string,
  options: Omit<CheckOptions, "file">,
): (path: string) => CheckResult {
  return perFile(files, read, (layers) => {
    const merged = checkLayered(layers, options);
    return layers.map((layer) => ({
      file: layer.file,
      dialect: merged.dialect,
      engine: merged.engine,
      findings: merged.findings.filter((f) => f.file === layer.file),
      notes: merged.notes.filter((note) => note.message.startsWith(`${layer.file}:`)),
    }));
  });
}

/** `rewrite -c A -c B`: each file's rewrite; only the files holding a refused attachment change. */
export function layeredRewrite(
  files: readonly string[],
  read: (path: string) => string,
  options: Omit<RewriteOptions, "file">,
): (path: string) => RewriteResult {
  return perFile(files, read, (layers) => {
    const merged = rewriteLayered(layers, options);
    return merged.files.map((result) => withMergedRemaining(result, merged));
  });
}

/**
 * What is left is the merged stack's, each file its own share: one file alone, read with the other
 * files' networks, would place a declaration that a later file writes in itself.
 */
function withMergedRemaining(result: RewriteResult, merged: LayeredRewriteResult): RewriteResult {
  const remaining = merged.remaining.filter((f) => f.file === result.file);
  const errors = remaining.filter((f) => f.severity === "error");
  if (!result.changed) return { ...result, remaining, remainingInInput: errors };
  // An edited file: each error at its place as read, where the merged stack had it before the rewrite.
  const asRead = merged.findings.filter((f) => f.file === result.file && f.severity === "error");
  const same = (a: Finding, b: Finding) => a.rule === b.rule && a.service === b.service && a.message === b.message;
  const remainingInInput = errors.map((error) => asRead.find((f) => same(f, error)) ?? error);
  return { ...result, remaining, remainingInInput };
}
