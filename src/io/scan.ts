import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  realpathSync,
  statSync,
  type Dirent,
  type Stats,
} from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { StackmodError } from "../errors.js";
import type { FileStamp } from "./file-stamp.js";
import { fileKind, reason } from "./fs-reasons.js";
import { defaultLimits } from "../parse/parse.js";

/**
 * One input of a run: a file to read, or why a path could not be listed. `bytes` is the
 * whole file when a folder scan had to read it to find it (decode it with `decodeSource`
 * instead of reading the file again), and `stamp` what the descriptor's stat said before they were read.
 */
export type Input =
  | { path: string; error?: undefined; bytes?: Buffer; stamp?: FileStamp }
  | { path: string; error: StackmodError; bytes?: undefined; stamp?: undefined };

/** The bytes a scan kept of a file, and the stamp of the descriptor they were read from. */
interface Kept {
  bytes: Buffer;
  stamp: FileStamp;
}

/** How a scan reads: what `readSource` would accept, and whether to keep what it read for the run. */
export interface ScanOptions {
  /** Largest input accepted, in bytes (default 5 MiB, as `--max-bytes`): a larger file is not kept. */
  maxBytes?: number | undefined;
  /**
   * Keep the bytes of the stack files the scan reads, so that the run reads each once: at most
   * this many bytes, all files together (default 0: keep none; the CLI keeps `keptBytesLimit`).
   */
  keepBytes?: number | undefined;
}

/** Files a folder scan left out, with the reason; `quiet` ones are listed only under --verbose. */
interface SkippedFile {
  path: string;
  reason: string;
  quiet: boolean;
}

/** What the paths of a run name: the files to read, and what folder scans left out. */
export interface Listing {
  inputs: Input[];
  skipped: SkippedFile[];
}

const skippedFolders = new Set(["node_modules", ".git"]);
/** How much of a file the scan reads to tell a stack or Compose file from other YAML. */
const sniffBytes = 64 * 1024;
/**
 * The most bytes a run's scan keeps, all files together: past it, a file found is read again
 * by the run, so that a folder of large files is never held in memory all at once.
 */
export const keptBytesLimit = 64 * 1024 * 1024;

/**
 * The files named by the paths: files as given (each real file once), folders searched
 * for stack and Compose files, `-` as is. In a folder, every `.yml`/`.yaml` file whose
 * top level is a mapping with `services:` is one, whatever its name; other YAML (CI
 * workflows, Kubernetes manifests) is skipped quietly, `.git` and `node_modules` are not
 * entered, each real folder is walked once (a symlink loop ends there) and none outside the
 * folder given (a symlink to a parent is not followed), and anything but a
 * regular file is skipped and said so. A folder that holds no stack file is an error.
 */
export function scanPaths(paths: readonly string[], options: ScanOptions = {}): Listing {
  const listing: Listing = { inputs: [], skipped: [] };
  const seenFiles = new Set<string>();
  const seenFolders = new Set<string>();
  const reading: Reading = {
    maxBytes: options.maxBytes ?? defaultLimits.maxBytes,
    keptLeft: options.keepBytes ?? 0,
  };
  const add = (path: string, kept?: Kept, knownReal?: string) => {
    const real = knownReal ?? realOrSelf(path);
    if (path !== "-" && seenFiles.has(real)) return;
    seenFiles.add(real);
    listing.inputs.push(kept ? { path, ...kept } : { path });
  };
  for (const path of paths) {
    if (path === "-" || !isFolder(path)) {
      add(path);
      continue;
    }
    const before = listing.inputs.length;
    const skippedBefore = listing.skipped.length;
    // Symlinked folders last: a folder reached both ways is listed under its own path.
    const linked: string[] = [];
    const scan = { root: realOrSelf(path), listing, seen: seenFolders, add, linked, reading };
    walk(path, scan);
    while (linked.length > 0) walk(linked.shift()!, scan);
    if (listing.inputs.length === before) {
      const others = listing.skipped.length - skippedBefore;
      const skipped = others > 0 ? `; ${others} other entries skipped (--verbose lists them)` : "";
      listing.inputs.push({
        path,
        error: new StackmodError(
          "NO_STACK_FILES",
          "no stack or Compose file in this folder (a .yml or .yaml file whose top level has " +
            `\`services:\`)${skipped}: ` +
            "name the files, or check another folder",
          { file: path, line: 1, column: 1 },
        ),
      });
    }
  }
  return listing;
}

interface Walk {
  /** The real path of the folder given. */
  root: string;
  listing: Listing;
  seen: Set<string>;
  add: (path: string, kept?: Kept, knownReal?: string) => void;
  /** Symlinked folders found, walked after the real ones. */
  linked: string[];
  reading: Reading;
}

/** The limit a kept file must be within, and how many more bytes the scan may keep. */
interface Reading {
  maxBytes: number;
  keptLeft: number;
}

/** A folder being walked: its path, its entries in order and how far the walk has come. */
interface Frame {
  folder: string;
  real: string;
  entries: Dirent[];
  next: number;
}

/**
 * Depth first, each folder's entries in order, with a stack of its own rather than recursion,
 * so that no depth of folders runs out of the call stack. `knownReal` is the folder's real path
 * when the walk came to it through folders that are no symlinks: the real path of what lies in
 * it is then its own plus the name, without a realpath (a stat per level, each as long as its
 * depth: cubic in a folder 1,000 levels deep).
 */
function walk(folder: string, scan: Walk, knownReal?: string): void {
  const frames: Frame[] = [];
  const first = enter(folder, scan, knownReal);
  if (first) frames.push(first);
  for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
    const entry = frame.entries[frame.next++];
    if (!entry) {
      frames.pop();
      continue;
    }
    const inner = visit(frame, entry, scan);
    if (inner) frames.push(inner);
  }
}

/** The frame of a folder to walk, or undefined when it was walked already, lies outside, or cannot be listed. */
function enter(folder: string, scan: Walk, knownReal?: string): Frame | undefined {
  const { root, listing, seen } = scan;
  const real = knownReal ?? realOrSelf(folder);
  if (seen.has(real)) return undefined;
  if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
    listing.skipped.push({ path: folder, reason: `a symlink to ${real}, outside the folder scanned`, quiet: true });
    return undefined;
  }
  seen.add(real);
  try {
    return { folder, real, entries: readdirSync(folder, { withFileTypes: true }).sort(byName), next: 0 };
  } catch (error) {
    listing.inputs.push({
      path: folder,
      error: new StackmodError("READ_FAILED", `cannot list the folder: ${reason(error)}`, {
        file: folder,
        line: 1,
        column: 1,
      }),
    });
    return undefined;
  }
}

/** One entry of a folder: a file found or skipped, or (returned) the frame of a folder to walk now. */
function visit(frame: Frame, entry: Dirent, scan: Walk): Frame | undefined {
  const { listing, add, linked } = scan;
  const { name } = entry;
  const path = join(frame.folder, name);
  let stat: Stats | undefined;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A path past the system's length limit (ENAMETOOLONG) or a symlink chain too long (ELOOP).
    if (entry.isDirectory() || /\.ya?ml$/i.test(name)) {
      const message = `cannot read it: ${reason(error)}`;
      listing.inputs.push({
        path,
        error: new StackmodError("READ_FAILED", message, { file: path, line: 1, column: 1 }),
      });
    }
    return undefined;
  }
  const ownReal = entry.isSymbolicLink() ? undefined : join(frame.real, name);
  if (stat?.isDirectory()) {
    if (skippedFolders.has(name)) return undefined;
    if (ownReal !== undefined) return enter(path, scan, ownReal);
    linked.push(path);
    return undefined;
  }
  if (!/\.ya?ml$/i.test(name)) return undefined;
  // A broken symlink that looks like a stack file is reported, not silently skipped.
  if (!stat) add(path);
  else if (!stat.isFile())
    listing.skipped.push({ path, reason: `not a regular file (${fileKind(stat)})`, quiet: false });
  else {
    const read = sniff(path, scan.reading);
    if (isStackText(read?.head)) add(path, read?.kept, ownReal);
    else listing.skipped.push({ path, reason: "no top-level `services:`", quiet: true });
  }
  return undefined;
}

function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** A stack or Compose file: a top-level `services:` key at the start of a line, or a flow mapping holding one. */
function isStackText(text: string | undefined): boolean {
  if (text === undefined) return true; // unreadable: reading it will say why
  if (/^(?:\ufeff)?(?:services|"services"|'services')[ \t]*:/m.test(text)) return true;
  const start = text.replace(/^\ufeff/, "").replace(/^(?:[ \t]*(?:#.*)?(?:\r?\n|$)|---[ \t]*(?:\r?\n|$))*/, "");
  return start.startsWith("{") && /["']?services["']?[ \t]*:/.test(start);
}

/**
 * The start of a file, to tell a stack file from other YAML, and for a stack file within
 * `maxBytes` and the scan's allowance, the rest of it from the same descriptor: the run then
 * decodes these bytes instead of opening the file a second time.
 */
function sniff(path: string, reading: Reading): { head: string; kept?: Kept } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stamp = fstatSync(fd, { bigint: true });
    if (!stamp.isFile()) return undefined;
    const size = Number(stamp.size);
    const read = readSync(fd, sniffBuffer, 0, sniffBytes, 0);
    const head = sniffBuffer.toString("utf8", 0, read);
    if (!isStackText(head) || size > reading.maxBytes || size > reading.keptLeft) return { head };
    const bytes = readWhole(fd, Math.max(size, read), read, reading.maxBytes);
    reading.keptLeft -= bytes.length;
    return { head, kept: { bytes, stamp } };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** One buffer for every file's start: what is kept is copied out of it at its own size. */
const sniffBuffer = Buffer.alloc(sniffBytes);
const probe = Buffer.alloc(1);

/**
 * The whole file behind `fd`, of which `sniffBuffer` holds the first `read` bytes: `size` bytes
 * as its stat said, and if it has grown since, the rest, up to one byte over `maxBytes` (which
 * the run then refuses as too large).
 */
function readWhole(fd: number, size: number, read: number, maxBytes: number): Buffer {
  const whole = Buffer.allocUnsafe(size);
  sniffBuffer.copy(whole, 0, 0, read);
  let total = read;
  while (total < size) {
    const got = readSync(fd, whole, total, size - total, total);
    if (got === 0) return whole.subarray(0, total);
    total += got;
  }
  if (readSync(fd, probe, 0, 1, total) === 0) return whole;
  return Buffer.concat([whole, readToEnd(fd, total, maxBytes + 1 - total)]);
}

/** The bytes of `fd` from `position` to its end, at most `limit` of them. */
function readToEnd(fd: number, position: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.alloc(Math.min(limit - total, 64 * 1024));
    const read = readSync(fd, chunk, 0, chunk.length, position + total);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks, total);
}

function isFolder(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The file an override file is layered over, when the scan found both: `X.override.yml`
 * over `X.yml` (Compose's own `compose.override.yaml` and `docker-compose.override.yml` included).
 */
export function overrideBase(path: string, found: ReadonlySet<string>): string | undefined {
  const match = /^(.*)\.override(\.ya?ml)$/i.exec(basename(path));
  if (!match) return undefined;
  for (const ext of [match[2]!, ".yml", ".yaml"]) {
    const base = join(dirname(path), match[1]! + ext);
    if (found.has(base)) return base;
  }
  return undefined;
}

/** The inputs the paths name (see scanPaths), without what the scans skipped. */
export function listInputs(paths: readonly string[], options: ScanOptions = {}): Input[] {
  return scanPaths(paths, options).inputs;
}

/** Files named by the paths (see scanPaths); throws the first path that names none. */
export function expandPaths(paths: readonly string[]): string[] {
  return listInputs(paths).map((input) => {
    if (input.error) throw input.error;
    return input.path;
  });
}
