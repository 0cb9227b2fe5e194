import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { StackmodError } from "../errors.js";
import type { FileStamp } from "./file-stamp.js";
import { fileKind, reason } from "./fs-reasons.js";
import { defaultLimits } from "../parse/parse.js";

export { expandPaths, listInputs, type Input } from "./scan.js";

export interface ReadOptions {
  /** Reads standard input (for the path `-`), at most `maxBytes` + 1 bytes; tests pass their own. */
  stdin?: ((maxBytes: number) => Buffer) | undefined;
  /** Largest input accepted, in bytes (default 5 MiB, as `--max-bytes`). */
  maxBytes?: number | undefined;
}

/** A file's text as read, with the stamp of the descriptor it was read from (none for standard input). */
export interface SourceFile {
  text: string;
  stamp: FileStamp | undefined;
}

/**
 * Reads a file as UTF-8; invalid UTF-8 is an error with the position of the first bad byte.
 * A file over `maxBytes` is refused before it is read (a stream, such as standard input
 * or /dev/zero, once that many bytes have come), so a wrong path cannot exhaust memory.
 */
export function readSource(path: string, options: ReadOptions = {}): string {
  return readSourceFile(path, options).text;
}

/** `readSource`, with the stamp that `--write` compares the file with before replacing it. */
export function readSourceFile(path: string, options: ReadOptions = {}): SourceFile {
  const maxBytes = options.maxBytes ?? defaultLimits.maxBytes;
  const { bytes, stamp } = readBytes(path, { ...options, maxBytes });
  return { text: decodeSource(path, bytes, maxBytes), stamp };
}

/** The bytes of `path` (standard input for `-`), as `readSource` reads them, not yet decoded. */
function readBytes(path: string, options: ReadOptions = {}): { bytes: Buffer; stamp: FileStamp | undefined } {
  const maxBytes = options.maxBytes ?? defaultLimits.maxBytes;
  try {
    const stdin = options.stdin ?? ((limit: number) => readBounded(0, limit));
    return path === "-" ? { bytes: stdin(maxBytes), stamp: undefined } : readFileBounded(path, maxBytes);
  } catch (error) {
    if (error instanceof StackmodError) throw error;
    throw new StackmodError("READ_FAILED", `cannot read the file: ${reason(error)}`, {
      file: path,
      line: 1,
      column: 1,
    });
  }
}

/** The text of bytes read from `path`: refused when over `maxBytes` or not UTF-8, as `readSource` refuses them. */
export function decodeSource(path: string, bytes: Buffer, maxBytes = defaultLimits.maxBytes): string {
  if (bytes.length > maxBytes) throw tooLarge(path, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const valid = validPrefixLength(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, valid - 1) + 1;
    const line = bytes.subarray(0, valid).toString("utf8").split("\n").length;
    const column =
      bytes
        .subarray(lineStart, valid)
        .toString("utf8")
        .replace(/^\ufeff/, "").length + 1;
    throw new StackmodError(
      "BINARY_INPUT",
      `the file is not valid UTF-8 (byte 0x${bytes[valid]!.toString(16)} at offset ${valid}); stack files ` +
        "are UTF-8 text: is this a binary file, or one saved in another encoding?",
      {
        file: path,
        line,
        column,
      },
    );
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function validPrefixLength(bytes: Buffer): number {
  const strict = new TextDecoder("utf-8", { fatal: true });
  for (let offset = 0; offset < bytes.length;) {
    const lead = bytes[offset]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || offset + length > bytes.length) return offset;
    if (length > 1) {
      try {
        strict.decode(bytes.subarray(offset, offset + length));
      } catch {
        return offset;
      }
    }
    offset += length;
  }
  return bytes.length;
}

/**
 * Only a regular file is read. A FIFO, a socket or a device can block forever (a FIFO
 * nobody writes to) or never end: opened without blocking, it is refused at once. The
 * stamp is taken before the read, so that a write during the read differs from it too.
 */
function readFileBounded(path: string, maxBytes: number): { bytes: Buffer; stamp: FileStamp } {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) {
      throw new StackmodError(
        "READ_FAILED",
        `not a regular file (${fileKind(stat)}); stackmod reads only regular files, so that no path can make ` +
          "it wait forever: to read a stream, pipe it to standard input and give - as the path",
        { file: path, line: 1, column: 1 },
      );
    }
    if (stat.size > maxBytes) {
      throw new StackmodError(
        "FILE_TOO_LARGE",
        `the file is ${stat.size} bytes, over the limit of ${maxBytes}; if it is a genuine stack file, raise ` +
          `the limit with --max-bytes ${stat.size}`,
        { file: path, line: 1, column: 1 },
      );
    }
    // Bounded even below the stat's size: a file of /proc or /sys says it holds 0 bytes and then
    // gives more than any limit (/proc/self/pagemap, which a symlinked `.env` can name, gigabytes).
    return { bytes: readBounded(fd, maxBytes), stamp: stat };
  } finally {
    closeSync(fd);
  }
}

/** Reads `fd` to its end, or until it has given more than `maxBytes` (then at most one chunk more). */
export function readBounded(fd: number, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(waitCell, 0, 0, 1);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === "EOF") break;
      throw error;
    }
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks, total);
}

const waitCell = new Int32Array(new SharedArrayBuffer(4));

function tooLarge(path: string, maxBytes: number): StackmodError {
  return new StackmodError(
    "FILE_TOO_LARGE",
    `the input is over the limit of ${maxBytes} bytes (reading stopped there); if it is a genuine stack ` +
      "file, raise the limit with --max-bytes",
    { file: path, line: 1, column: 1 },
  );
}
