import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";
import { StackmodError } from "./errors.js";
import type { ExtraFile } from "./transform.js";

export type ExtraFileWrite = "created" | "replaced" | "unchanged";

/**
 * Writes a file a strategy asked for beside the stack file (the lan setup
 * script). Same text: left alone, mtime untouched. An existing file is replaced
 * atomically and keeps its mode; a new one appears whole or not at all (written
 * aside, then hard-linked into place, which also never clobbers a file that
 * appeared meanwhile).
 */
export function writeExtraFile(file: ExtraFile): ExtraFileWrite {
  if (existsSync(file.path)) {
    if (readFileSync(file.path, "utf8") === file.content) return "unchanged";
    writeFileAtomic(file.path, file.content);
    return "replaced";
  }
  const folder = dirname(file.path);
  const temporary = join(folder, `.${basename(file.path)}.stackmod-${process.pid}-${Date.now().toString(36)}.tmp`);
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
    linkSync(temporary, file.path);
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

/** The report lines for the extra files of one stack file: what was (or would be) written, and its text in a dry run. */
export function describeExtraFiles(
  stackFile: string,
  files: ExtraFile[],
  outcomes: ExtraFileWrite[] | undefined,
): string[] {
  return files.flatMap((file, index) => {
    const mode = file.mode.toString(8);
    const outcome = outcomes?.[index];
    if (outcome === "unchanged") return [`${stackFile}: ${file.path} is up to date`];
    if (outcome)
      return [
        `${stackFile}: ${outcome === "created" ? "wrote" : "replaced"} ${file.path} (mode ${mode}); run it as it says before deploying`,
      ];
    return [`${stackFile}: would write ${file.path} (mode ${mode}):`, ...file.content.replace(/\n$/, "").split("\n")];
  });
}
