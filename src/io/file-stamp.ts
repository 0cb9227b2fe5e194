import type { BigIntStats } from "node:fs";

/**
 * What a file's stat said when stackmod opened it to read: the stamp a later stat is compared
 * with, so that `--write` can refuse a file saved meanwhile without reading it a second time.
 * The change time is the kernel's own (no tool can set it back, as `touch -r` or `cp -p` set
 * the modification time), and on Linux 6.13 and later a write after a stat gets a
 * fine-grained one (ext4, xfs, btrfs, tmpfs): every write after the read changes it.
 */
export type FileStamp = Pick<BigIntStats, "dev" | "ino" | "size" | "mtimeNs" | "ctimeNs">;

/** Same device, inode, size, modification and change time: nobody wrote the file since `before`. */
export function sameStamp(before: FileStamp, now: FileStamp): boolean {
  return (
    before.dev === now.dev &&
    before.ino === now.ino &&
    before.size === now.size &&
    before.mtimeNs === now.mtimeNs &&
    before.ctimeNs === now.ctimeNs
  );
}
