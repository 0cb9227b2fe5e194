import type { BigIntStats, Stats } from "node:fs";

/** What a path that is not a regular file is, for messages. */
export function fileKind(stat: Stats | BigIntStats): string {
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isDirectory()) return "a folder";
  return "not a file";
}

/** Why a file operation failed, in words a person can act on. */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM")
    return "permission denied; give the user running stackmod read access (chmod u+r), or leave it out";
  if (code === "ENOENT") return "no such file (or a symlink whose target is missing)";
  if (code === "EISDIR") return "it is a folder";
  return (error as Error).message;
}
