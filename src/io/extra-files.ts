import {
  closeSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { printable, printablePath } from "../emit/printable.js";
import { StackmodError } from "../errors.js";
import type { ExtraFile } from "../strategies/strategy.js";

export type ExtraFileWrite = "created" | "replaced" | "unchanged";

/** What an extra file is checked against: the stack file it belongs to and every file the run reads. */
export interface ExtraFileContext {
  /** The stack file whose strategies asked for the file (`-` for standard input: the current folder). */
  stackFile: string;
  /** Every file the run reads (stack files, `--config`, `-c`, env files): none of them may be written. */
  inputs?: readonly string[];
  /**
   * The extra files the run's stack files have asked for so far, by real path, each to the stack file
   * that asked: checking a file adds it, and another stack file may not ask for the same one (its
   * script would replace the first one's, written moments before in the same run).
   */
  claimed?: Map<string, string>;
}

/** Where the checked file really goes, and what it holds now (undefined: it does not exist yet). */
interface Destination {
  real: string;
  existing: string | undefined;
}

/** How many lines of an existing file are searched for the signature of a file stackmod generated. */
const signatureLines = 3;

/**
 * The one rule for every file stackmod writes besides the stack file (the lan setup
 * script, whose path may come from the stack file itself, i.e. from whoever sent it):
 * after symlinks it is inside the stack file's folder, not inside a `.git` folder, not
 * the stack file or any other input of the run (by path or by inode), reached through
 * no symlink that leaves the folder, and either new or a file stackmod generated (one
 * of its first lines holds the file's signature). Anything else is a StackmodError
 * (exit 2) and nothing is written.
 */
export function checkExtraFile(file: ExtraFile, context: ExtraFileContext): Destination {
  const where = file.origin ?? { file: context.stackFile, line: 1, column: 1 };
  const refuse = (why: string): never => {
    throw new StackmodError(
      "BAD_OPTION",
      `stackmod will not write ${JSON.stringify(file.path)}: ${why}; nothing was written. Set ` +
        `${file.pathOption} to a new file name beside the stack file`,
      where,
    );
  };
  const fromStdin = context.stackFile === "-" || context.stackFile === "<stdin>";
  const folder = resolve(fromStdin ? "." : dirname(context.stackFile));
  let realFolder: string;
  try {
    realFolder = realpathSync(folder);
  } catch (error) {
    return refuse(`the stack file's folder cannot be read (${(error as Error).message})`);
  }
  const lexical = relative(folder, resolve(file.path));
  if (lexical === "" || lexical.startsWith("..") || isAbsolute(lexical)) {
    refuse("it is not inside the stack file's folder");
  }
  // Component by component, so that a symlinked sub-folder is judged by where it really leads.
  let real = realFolder;
  let exists = true;
  for (const part of lexical.split(sep)) {
    const next = join(real, part);
    if (!exists) {
      real = next;
      continue;
    }
    let stat: Stats;
    try {
      stat = lstatSync(next);
    } catch {
      exists = false;
      real = next;
      continue;
    }
    real = stat.isSymbolicLink() ? realTarget(next, refuse) : next;
    if (!inside(realFolder, real)) refuse(`it leads through the symlink ${next} out of the stack file's folder`);
  }
  // The whole real path, not only the part below the stack file's folder: a stack file inside
  // .git/hooks would otherwise plant a hook beside itself. A git folder by another name (a bare
  // repository, a worktree's) is told by its HEAD, objects and refs.
  if (real.split(sep).some((part) => part.toLowerCase() === ".git")) refuse("it is inside a .git folder");
  const gitFolder = gitFolderAbove(dirname(real));
  if (gitFolder) refuse(`it is inside the git folder ${gitFolder}`);
  const existing = exists ? statOf(real) : undefined;
  if (existing && !existing.isFile()) refuse("it exists and is not a regular file");
  for (const input of [context.stackFile, ...(context.inputs ?? [])]) {
    if (input === "-" || input === "<stdin>") continue;
    if (sameFile(input, real, existing)) refuse(`it is ${input}, which this run reads`);
  }
  const claimant = context.claimed?.get(real);
  if (claimant !== undefined && claimant !== context.stackFile) {
    refuse(`${claimant} in this run writes it too (each stack file needs a script of its own)`);
  }
  context.claimed?.set(real, context.stackFile);
  if (!existing) return { real, existing: undefined };
  let text: string;
  try {
    text = readFileSync(real, "utf8");
  } catch (error) {
    return refuse(`it exists and cannot be read (${(error as Error).message})`);
  }
  const head = text.split("\n", signatureLines);
  if (text !== file.content && !head.some((line) => line.includes(file.signature))) {
    refuse(`it exists and stackmod did not write it (its first lines lack "${file.signature}")`);
  }
  return { real, existing: text };
}

/** The nearest folder at or above `folder` that is a git folder (HEAD, objects/ and refs/ in it), if any. */
function gitFolderAbove(folder: string): string | undefined {
  for (let at = folder; ; at = dirname(at)) {
    const head = statOf(join(at, "HEAD"));
    if (head?.isFile() && statOf(join(at, "objects"))?.isDirectory() && statOf(join(at, "refs"))?.isDirectory()) {
      return at;
    }
    if (dirname(at) === at) return undefined;
  }
}

function realTarget(path: string, refuse: (why: string) => never): string {
  try {
    return realpathSync(path);
  } catch {
    return refuse(`it leads through the symlink ${path}, which points nowhere`);
  }
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The same file by real path, or (a hard link) by device and inode. */
function sameFile(input: string, real: string, stat: Stats | undefined): boolean {
  let inputReal: string;
  try {
    inputReal = realpathSync(input);
  } catch {
    return resolve(input) === real;
  }
  if (inputReal === real) return true;
  const other = statOf(inputReal);
  return stat !== undefined && other !== undefined && other.dev === stat.dev && other.ino === stat.ino;
}

/**
 * Writes a file a strategy asked for beside the stack file (the lan setup script),
 * once `checkExtraFile` allows it. Same text: left alone, mtime untouched. An earlier
 * stackmod file is replaced atomically and keeps its mode (and is not replaced if it
 * changed since the check); a new one appears whole or not at all (written aside,
 * then hard-linked into place, which also never clobbers a file that appeared meanwhile).
 */
export function writeExtraFile(file: ExtraFile, context: ExtraFileContext): ExtraFileWrite {
  if (!context?.stackFile) {
    throw new StackmodError("USAGE", "writeExtraFile needs the stack file the extra file belongs to", {
      file: file.path,
      line: 1,
      column: 1,
    });
  }
  const { real, existing } = checkExtraFile(file, context);
  if (existing !== undefined) {
    if (existing === file.content) return "unchanged";
    writeFileAtomic(real, file.content, { expected: existing });
    return "replaced";
  }
  const folder = dirname(real);
  const temporary = join(folder, `.${basename(real)}.stackmod-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    mkdirSync(folder, { recursive: true });
    const fd = openSync(temporary, "wx", file.mode);
    try {
      const bytes = Buffer.from(file.content, "utf8");
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset, bytes.length - offset);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(temporary, real);
  } catch (error) {
    throw new StackmodError("WRITE_FAILED", `cannot write the file: ${(error as Error).message}; nothing was written`, {
      file: file.path,
      line: 1,
      column: 1,
    });
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created.
    }
  }
  return "created";
}

/**
 * The report lines for the extra files of one stack file: what was (or would be) written, and its text in a dry run.
 */
export function describeExtraFiles(
  stackFile: string,
  files: ExtraFile[],
  outcomes: ExtraFileWrite[] | undefined,
): string[] {
  const stack = printablePath(stackFile);
  return files.flatMap((file, index) => {
    const mode = file.mode.toString(8);
    const outcome = outcomes?.[index];
    const path = printablePath(file.path);
    if (outcome === "unchanged") return [`${stack}: ${path} is up to date`];
    if (outcome) {
      const done = outcome === "created" ? "wrote" : "replaced";
      return [`${stack}: ${done} ${path} (mode ${mode}); run it as it says before deploying`];
    }
    const lines = file.content.replace(/\n$/, "").split("\n");
    return [`${stack}: would write ${path} (mode ${mode}):`, ...lines.map(printable)];
  });
}
