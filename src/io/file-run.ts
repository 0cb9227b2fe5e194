import { writeFileAtomic } from "./atomic-write.js";
import { checkExtraFile, writeExtraFile, type ExtraFileWrite } from "./extra-files.js";
import { decodeSource, readSourceFile, type ReadOptions, type SourceFile } from "./inputs.js";
import type { Input } from "./scan.js";
import type { RewriteResult } from "../rewrite.js";

/**
 * One file's way through a run, written once for the CLI's `check` and `rewrite` and the
 * library's `checkFiles` and `rewriteFile`: read the input once, run the pure pipeline
 * over its text, check every extra file a strategy asks for, then (when writing) write
 * those and replace the file atomically.
 */

/**
 * The text of one input, with the stamp `writeRewrite` compares the file with: the bytes a
 * folder scan already read, else the file (or standard input) read now. The bytes are let go
 * once decoded: a run keeps the text, not both.
 */
export function readInput(input: Input, options: ReadOptions = {}): SourceFile {
  if (input.error) throw input.error;
  const { bytes, stamp } = input;
  if (!bytes) return readSourceFile(input.path, options);
  delete input.bytes;
  return { text: decodeSource(input.path, bytes, options.maxBytes), stamp };
}

/**
 * A reader that reads each path at most once, for a run in which two parts ask for the same
 * file (`-c A -c B`: the merge reads every file, the per-file report reads each again).
 * Standard input can only be read once, so this is what makes `-c -` work at all.
 */
export function readingOnce<T>(read: (path: string) => T): (path: string) => T {
  const texts = new Map<string, T>();
  return (path) => {
    let text = texts.get(path);
    if (text === undefined) {
      text = read(path);
      texts.set(path, text);
    }
    return text;
  };
}

export interface WriteRewriteOptions {
  /** Replace the file (and write its extra files); false checks the extra files and writes nothing. */
  write: boolean;
  /** Every file the run reads (stack files, `--config`, env files): no extra file may be one of them. */
  inputs: readonly string[];
  /** The extra files the run's other stack files asked for (see ExtraFileContext.claimed). */
  claimed?: Map<string, string>;
  /** Runs just before the first write for this file, once it is certain that something is written. */
  beforeWrite?: (path: string) => void;
}

export interface WrittenRewrite {
  /** Whether the file was replaced: only when writing, changed, and not standard input. */
  written: boolean;
  /** What became of each extra file, in the order of `result.extraFiles`; undefined when nothing was written. */
  extras: ExtraFileWrite[] | undefined;
}

/**
 * The end of a rewrite: every extra file is checked (in a dry run too: a path that `--write`
 * would refuse is bad input either way) before anything is written; then the extra files,
 * then the stack file, replaced atomically and only if it is still the file `source` was read
 * from: its stamp when the read took one (the file is not read again), else its text. An
 * unchanged file is never written, so its mtime stays. Throws a StackmodError, having written
 * nothing of this file, when an extra file is refused.
 */
export function writeRewrite(
  path: string,
  source: SourceFile,
  result: RewriteResult,
  options: WriteRewriteOptions,
): WrittenRewrite {
  const context = { stackFile: path, inputs: options.inputs, ...(options.claimed ? { claimed: options.claimed } : {}) };
  for (const extra of result.extraFiles) checkExtraFile(extra, context);
  if (!options.write || !result.changed || path === "-") return { written: false, extras: undefined };
  options.beforeWrite?.(path);
  // The setup script first: a stack file that names a network nobody can create is worse than a spare script.
  const extras = result.extraFiles.map((extra) => writeExtraFile(extra, context));
  writeFileAtomic(path, result.output, source.stamp ? { unchangedSince: source.stamp } : { expected: source.text });
  return { written: true, extras };
}
