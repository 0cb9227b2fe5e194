import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  chownSync,
  chmodSync,
  type Stats,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { StackmodError } from "../errors.js";
import { sameStamp, type FileStamp } from "./file-stamp.js";

/** `.NAME.stackmod-PID-STAMP.tmp`: hidden, beside the file, with the writer's PID so a leftover can be judged. */
const temporaryName = /^\.(.+)\.stackmod-(\d+)-[a-z0-9]+\.tmp$/;

export interface AtomicWriteOptions {
  /** The text the file held when it was read; if it changed since, nothing is written. The file is read again. */
  expected?: string;
  /**
   * The stamp (`fstat`, as bigints) of the descriptor the file was read from: if its device,
   * inode, size, modification or change time differ now, nothing is written. The file is not read again.
   */
  unchangedSince?: FileStamp;
}

/**
 * Replaces a file atomically: a temporary file in the same folder, flushed, given
 * the old file's mode and owner, then renamed over it, and the folder flushed. A
 * symlink stays a symlink: its target is replaced. A crash leaves the old file or
 * the new one, never a mix. A file with no write permission at all is refused:
 * the rename would succeed anyway, but the owner said "do not change this".
 */
export function writeFileAtomic(path: string, text: string, options: AtomicWriteOptions = {}): void {
  const where = { file: path, line: 1, column: 1 };
  let target: string;
  let stat;
  try {
    target = realpathSync(path);
    stat = statSync(target);
  } catch (error) {
    throw new StackmodError(
      "WRITE_FAILED",
      `cannot write the file: ${(error as Error).message}; nothing was written`,
      where,
    );
  }
  if ((stat.mode & 0o222) === 0) {
    throw new StackmodError(
      "WRITE_FAILED",
      "the file is read-only; nothing was written: make it writable (chmod u+w) to let stackmod rewrite it, " +
        "or drop --write to see the diff",
      where,
    );
  }
  const changed = () =>
    new StackmodError(
      "WRITE_FAILED",
      "the file changed while stackmod was working on it; nothing was written: run stackmod again",
      where,
    );
  // Held open from the check to after the rename: the old file (its inode) can still be read then.
  let held: Held | undefined;
  if (options.expected !== undefined || options.unchangedSince !== undefined) {
    held = holdIfUnchanged(target, options);
    if (!held) throw changed();
  }
  try {
    replace(target, text, stat, where, held, changed);
  } finally {
    if (held) closeSync(held.fd);
  }
}

/** The file as checked: an open descriptor and what its stat said. */
interface Held {
  fd: number;
  stat: FileStamp;
}

/**
 * Opens the file and keeps it open if it is still the one read: by its stamp when given (nothing
 * is read), else by its text. The descriptor is what lets a save in place be put back later.
 */
function holdIfUnchanged(target: string, options: AtomicWriteOptions): Held | undefined {
  const fd = openSync(target, "r");
  const stat = fstatSync(fd, { bigint: true });
  const unchanged = options.unchangedSince
    ? sameStamp(options.unchangedSince, stat)
    : readFrom(fd) === options.expected;
  if (unchanged) return { fd, stat };
  closeSync(fd);
  return undefined;
}

/** The whole file behind `fd`, read from its start whatever the descriptor's position. */
function readFrom(fd: number): string {
  const chunks: Buffer[] = [];
  for (let position = 0; ;) {
    const chunk = Buffer.alloc(64 * 1024);
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    position += read;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Writes, checks once more and renames. An edit saved while stackmod worked is
 * caught twice: just before the rename (a save by rename gives the path a new
 * inode; a save in place changes the size or the times), and just after it, through
 * the descriptor still open on the old file: a save in place in between is then put
 * back (the user's text replaces stackmod's) and reported. What stays uncaught: a
 * save by rename in the microseconds between the last stat and the rename, and a save
 * in place there that keeps the size and the modification time (the rename itself moves
 * the old file's change time, so that one cannot tell).
 */
function replace(
  target: string,
  text: string,
  stat: Stats,
  where: { file: string; line: number; column: number },
  held: Held | undefined,
  changed: () => StackmodError,
): void {
  const folder = dirname(target);
  const temporary = join(folder, `.${basename(target)}.stackmod-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    const fd = openSync(temporary, "wx", stat.mode & 0o7777);
    try {
      const bytes = Buffer.from(text, "utf8");
      for (let offset = 0; offset < bytes.length;) offset += writeSync(fd, bytes, offset, bytes.length - offset);
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
    if (held && !sameStamp(held.stat, statSync(target, { bigint: true }))) throw changed();
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was created.
    }
    if (error instanceof StackmodError) throw error;
    throw new StackmodError(
      "WRITE_FAILED",
      `cannot write the file: ${(error as Error).message}; it was left as it was`,
      where,
    );
  }
  flushFolder(folder);
  // The rename unlinked the old file, which moves its change time: its size and modification time tell a save.
  if (held && !sameWrite(held.stat, fstatSync(held.fd, { bigint: true }))) {
    // Saved in place between the last check and the rename: the user's text wins.
    writeFileAtomic(target, readFrom(held.fd));
    throw new StackmodError(
      "WRITE_FAILED",
      "the file was saved by someone else while stackmod replaced it; their version was put back and nothing " +
        "of stackmod's was kept: run stackmod again",
      where,
    );
  }
}

/** Same inode, size and modification time: nobody wrote into it since `before`. */
function sameWrite(before: FileStamp, now: FileStamp): boolean {
  return before.ino === now.ino && before.dev === now.dev && before.size === now.size && before.mtimeNs === now.mtimeNs;
}

/** The rename is durable only once the folder itself is flushed; some file systems refuse, which is no error. */
function flushFolder(folder: string): void {
  try {
    const fd = openSync(folder, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // The rename already happened; durability is best effort here.
  }
}

export interface LeftoverTemporary {
  path: string;
  pid: number;
}

/**
 * Removes temporary files that a killed stackmod left in the folder of `path`
 * (their writer's PID is no longer running) and returns what it removed. A
 * temporary file of a running stackmod is left alone.
 */
export function removeStaleTemporaries(path: string): LeftoverTemporary[] {
  let folder: string;
  let names: string[];
  try {
    folder = dirname(realpathSync(path));
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: LeftoverTemporary[] = [];
  for (const name of names) {
    const match = temporaryName.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    if (isRunning(pid)) continue;
    try {
      unlinkSync(join(folder, name));
      removed.push({ path: join(folder, name), pid });
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
