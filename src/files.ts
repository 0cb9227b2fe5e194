import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, chownSync, chmodSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { check, type CheckOptions, type CheckResult } from "./check.js";
import { StackmodError } from "./errors.js";
import { rewrite, type RewriteOptions, type RewriteResult } from "./rewrite.js";

/** A file name stackmod looks at when given a directory. */
const stackFileName = /(compose|stack)[^/]*\.ya?ml$/i;
const skippedDirectories = new Set(["node_modules", ".git"]);

/** Files named by the paths: files as given, directories searched for compose and stack files, `-` as is. */
export function expandPaths(paths: readonly string[]): string[] {
  const result: string[] = [];
  for (const path of paths) {
    if (path === "-") {
      result.push(path);
      continue;
    }
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      result.push(path);
      continue;
    }
    if (!isDirectory) result.push(path);
    else result.push(...walk(path));
  }
  return result;
}

function walk(directory: string): string[] {
  let names: string[];
  try {
    names = readdirSync(directory).sort();
  } catch (error) {
    throw new StackmodError("READ_FAILED", `cannot list the folder: ${(error as Error).message}`, { file: directory, line: 1, column: 1 });
  }
  return names.flatMap((name) => {
    const path = join(directory, name);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return [];
    }
    if (stat.isDirectory()) return skippedDirectories.has(name) ? [] : walk(path);
    return stackFileName.test(name) ? [path] : [];
  });
}

/** Reads a file as UTF-8; invalid UTF-8 is an error with the position of the first bad byte. */
export function readSource(path: string, stdin?: () => Buffer): string {
  let bytes: Buffer;
  try {
    bytes = path === "-" ? (stdin ?? (() => readFileSync(0)))() : readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new StackmodError("READ_FAILED", `cannot read the file: ${reason}`, { file: path, line: 1, column: 1 });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const valid = validPrefixLength(bytes);
    const before = bytes.subarray(0, valid).toString("utf8");
    const line = before.split("\n").length;
    const column = valid - before.lastIndexOf("\n");
    throw new StackmodError("BINARY_INPUT", `the file is not valid UTF-8 (byte 0x${bytes[valid]!.toString(16)} at offset ${valid})`, {
      file: path,
      line,
      column,
    });
  }
}

function validPrefixLength(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    try {
      decoder.decode(bytes.subarray(0, middle), { stream: true });
      low = middle;
    } catch {
      high = middle - 1;
    }
  }
  return low;
}

/**
 * Replaces a file atomically: a temporary file in the same folder, flushed, given
 * the old file's mode and owner, then renamed over it. A symlink stays a symlink:
 * its target is replaced. A crash leaves the old file or the new one, never a mix.
 */
export function writeFileAtomic(path: string, text: string): void {
  const target = realpathSync(path);
  const stat = statSync(target);
  const temporary = join(dirname(target), `.${basename(target)}.stackmod-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    const fd = openSync(temporary, "wx", stat.mode & 0o7777);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, stat.mode & 0o7777);
    try {
      chownSync(temporary, stat.uid, stat.gid);
    } catch {
      // Only root may give a file away; a user's own file keeps the user as owner anyway.
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was created.
    }
    throw new StackmodError("WRITE_FAILED", `cannot write the file: ${(error as Error).message}; it was left as it was`, { file: path, line: 1, column: 1 });
  }
}

export interface RewriteFileOptions extends Omit<RewriteOptions, "file"> {
  /** Write the result in place (default false: only compute it). */
  write?: boolean;
}

/** Reads, rewrites and (with `write`) replaces one file; an unchanged file is never written. */
export function rewriteFile(path: string, options: RewriteFileOptions = {}): RewriteResult & { written: boolean } {
  const source = readSource(path);
  const result = rewrite(source, { ...options, file: path });
  const written = Boolean(options.write) && result.changed && path !== "-";
  if (written) writeFileAtomic(path, result.output);
  return { ...result, written };
}

/** Checks files and folders; one result or one error per file, in path order. */
export function checkFiles(paths: readonly string[], options: Omit<CheckOptions, "file"> = {}): (CheckResult | StackmodError)[] {
  return expandPaths(paths).map((path) => {
    try {
      return check(readSource(path), { ...options, file: path });
    } catch (error) {
      if (error instanceof StackmodError) return error;
      throw error;
    }
  });
}
