import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { rewrite } from "../../src/rewrite.js";

const repo = join(import.meta.dirname, "..", "..");
/** A file with a conflict to fix, processed in the same run as the bad one. */
export const goodInput = readFileSync(join(repo, "examples", "bacnet-stack.yml"), "utf8");
export const goodOutput = rewrite(goodInput, { file: "good-stack.yml" }).output;

/** An mtime far in the past, so that any write shows. */
const past = new Date("2020-01-02T03:04:05Z");

export interface Workspace {
  dir: string;
  good: string;
  /** Writes a file with an old mtime and remembers its bytes. */
  put(name: string, bytes: Buffer | string): string;
  /** The file's bytes and mtime are exactly what `put` left. */
  expectUntouched(path: string): void;
  /** The good file was rewritten in the same run. */
  expectGoodRewritten(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-bad-"));
  const originals = new Map<string, Buffer>();
  const put = (name: string, bytes: Buffer | string) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    utimesSync(path, past, past);
    originals.set(path, Buffer.from(bytes));
    return path;
  };
  const good = put("good-stack.yml", goodInput);
  return {
    dir,
    good,
    put,
    expectUntouched(path) {
      expect(readFileSync(path).equals(originals.get(path)!), `${path} changed`).toBe(true);
      expect(statSync(path).mtimeMs).toBe(past.getTime());
    },
    expectGoodRewritten() {
      expect(goodOutput).not.toBe(goodInput);
      expect(readFileSync(good, "utf8")).toBe(goodOutput);
    },
  };
}
