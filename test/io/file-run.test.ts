import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readingOnce, readInput, writeRewrite } from "../../src/io/file-run.js";
import { readSource, readSourceFile } from "../../src/io/inputs.js";
import { scanPaths } from "../../src/io/scan.js";
import { rewrite, StackmodError } from "../../src/index.js";
import { testUrl } from "../helpers/paths.js";

/** One file's way through a run (src/io/file-run.ts), on real files in a temporary folder. */
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function copyOfExample(name: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-file-run-"));
  folders.push(dir);
  const path = join(dir, name);
  copyFileSync(new URL(`../examples/${name}`, testUrl), path);
  return { dir, path };
}

/** Every file of the folder with its text and mtime. */
function snapshot(dir: string): Record<string, [string, number]> {
  const files: Record<string, [string, number]> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    files[name] = [readFileSync(path, "utf8"), statSync(path).mtimeMs];
  }
  return files;
}

describe("readInput", () => {
  it("takes the bytes the scan read: the file is not opened again (here it is gone by then), and lets them go", () => {
    const { dir, path } = copyOfExample("bacnet-stack.yml");
    const text = readFileSync(path, "utf8");
    const [input] = scanPaths([dir], { keepBytes: 1_000_000 }).inputs;
    unlinkSync(path);
    expect(readInput(input!).text).toBe(text);
    // Let go once decoded, so that a run holds each text once.
    expect(input!.bytes).toBeUndefined();
  });

  it("refuses kept bytes as readSource refuses the file: over maxBytes, or not UTF-8", () => {
    const path = "stack.yml";
    expect(() => readInput({ path, bytes: Buffer.from("services: {}\n") }, { maxBytes: 4 })).toThrow(
      /FILE_TOO_LARGE|over the limit of 4 bytes/,
    );
    let error: unknown;
    try {
      readInput({ path, bytes: Buffer.from([0x73, 0x3a, 0x0a, 0x20, 0xff]) });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackmodError);
    expect((error as StackmodError).code).toBe("BINARY_INPUT");
    expect([(error as StackmodError).line, (error as StackmodError).column]).toEqual([2, 2]);
  });

  it("throws the error a listing found for the path", () => {
    const listing = new StackmodError("NO_STACK_FILES", "no stack file", { file: "d", line: 1, column: 1 });
    expect(() => readInput({ path: "d", error: listing })).toThrow(listing);
  });
});

describe("readingOnce", () => {
  it("reads each path once however often it is asked, through the real reader", () => {
    const { path } = copyOfExample("bacnet-stack.yml");
    const reads: string[] = [];
    const read = readingOnce((file) => {
      reads.push(file);
      return readSource(file);
    });
    const text = read(path);
    unlinkSync(path);
    expect(read(path)).toBe(text);
    expect(reads).toEqual([path]);
  });
});

describe("writeRewrite", () => {
  it("writes the extra files, then the stack file, keeping its mode", () => {
    const { dir, path } = copyOfExample("multicast-gateway-stack.yml");
    const source = readSourceFile(path);
    const result = rewrite(source.text, { file: path });
    expect(result.extraFiles).toHaveLength(1);
    const mode = statSync(path).mode;
    expect(writeRewrite(path, source, result, { write: true, inputs: [path] })).toEqual({
      written: true,
      extras: ["created"],
    });
    expect(readFileSync(path, "utf8")).toBe(result.output);
    expect(statSync(path).mode).toBe(mode);
    expect(readFileSync(result.extraFiles[0]!.path, "utf8")).toBe(result.extraFiles[0]!.content);
    const script = result.extraFiles[0]!.path.slice(dir.length + 1);
    expect(readdirSync(dir).sort()).toEqual(["multicast-gateway-stack.yml", script].sort());
  });

  it("checks every extra file before it writes any: one refused, nothing of the file is written", () => {
    const { dir, path } = copyOfExample("multicast-gateway-stack.yml");
    const source = readSourceFile(path);
    const result = rewrite(source.text, { file: path });
    const outside = { ...result.extraFiles[0]!, path: join(dir, "..", "elsewhere.sh") };
    const refused = { ...result, extraFiles: [...result.extraFiles, outside] };
    const before = snapshot(dir);
    for (const write of [true, false]) {
      expect(() => writeRewrite(path, source, refused, { write, inputs: [path] })).toThrow(
        /will not write .*not inside the stack file's folder/,
      );
      expect(snapshot(dir)).toEqual(before);
    }
  });

  it("writes nothing in a dry run, and never an unchanged file (mtime untouched)", () => {
    const { dir, path } = copyOfExample("bacnet-stack.yml");
    const source = readSourceFile(path);
    const before = snapshot(dir);
    const calls: string[] = [];
    const beforeWrite = (file: string) => void calls.push(file);
    const dry = writeRewrite(path, source, rewrite(source.text, { file: path }), {
      write: false,
      inputs: [path],
      beforeWrite,
    });
    expect(dry).toEqual({ written: false, extras: undefined });
    const done = rewrite(source.text, { file: path }).output;
    const unchanged = rewrite(done, { file: path });
    expect(unchanged.changed).toBe(false);
    const read = { text: done, stamp: undefined };
    expect(writeRewrite(path, read, unchanged, { write: true, inputs: [path], beforeWrite }).written).toBe(false);
    expect(snapshot(dir)).toEqual(before);
    expect(calls).toEqual([]);
  });

  it("without a stamp, refuses a file that no longer holds the text it was rewritten from; nothing is written", () => {
    const { dir, path } = copyOfExample("bacnet-stack.yml");
    const source = readFileSync(path, "utf8");
    const result = rewrite(source, { file: path });
    const stale = { text: source.replace("BACnet", "BACNET"), stamp: undefined };
    expect(() => writeRewrite(path, stale, result, { write: true, inputs: [path] })).toThrow(
      /changed while stackmod was working on it/,
    );
    expect(readFileSync(path, "utf8")).toBe(source);
    expect(readdirSync(dir)).toEqual(["bacnet-stack.yml"]);
  });
});

/**
 * A save between the read and the rename, made by the hook that runs once the write is certain
 * (`beforeWrite`): the file is compared with the stamp taken when it was read, not read again.
 */
describe("writeRewrite: a file saved after it was read", () => {
  // A whole second, which utimes sets exactly: a save can then give the file back its very mtime.
  const past = new Date("2021-05-06T07:08:09Z");
  const saved = (save: (path: string, source: string) => void) => {
    const { dir, path } = copyOfExample("bacnet-stack.yml");
    utimesSync(path, past, past);
    const source = readSourceFile(path);
    const result = rewrite(source.text, { file: path });
    expect(result.changed).toBe(true);
    const write = () =>
      writeRewrite(path, source, result, { write: true, inputs: [path], beforeWrite: () => save(path, source.text) });
    return { dir, path, write };
  };
  const refused = /^the file changed while stackmod was working on it; nothing was written: run stackmod again$/;

  it("in place at the same size, its modification time set back (touch -r, cp -p): refused by the change time", () => {
    const theirs = (text: string) => text.replace("BACnet", "BACNET");
    const { dir, path, write } = saved((file, text) => {
      writeFileSync(file, theirs(text));
      utimesSync(file, past, past);
    });
    const source = readFileSync(path, "utf8");
    expect(theirs(source)).not.toBe(source);
    expect(theirs(source).length).toBe(source.length);
    expect(write).toThrow(refused);
    expect(readFileSync(path, "utf8")).toBe(theirs(source));
    expect(statSync(path).mtimeMs).toBe(past.getTime());
    expect(readdirSync(dir)).toEqual(["bacnet-stack.yml"]);
  });

  it("by rename, with the very text stackmod read: refused (another file now, whatever it holds)", () => {
    const { dir, path, write } = saved((file, text) => {
      writeFileSync(`${file}.editor`, text);
      renameSync(`${file}.editor`, file);
    });
    const source = readFileSync(path, "utf8");
    expect(write).toThrow(refused);
    expect(readFileSync(path, "utf8")).toBe(source);
    expect(readdirSync(dir)).toEqual(["bacnet-stack.yml"]);
  });

  it("only read by someone else meanwhile: written", () => {
    const { path, write } = saved((file) => void readFileSync(file));
    expect(write()).toEqual({ written: true, extras: [] });
    expect(readFileSync(path, "utf8")).toContain("bacnet-proxy");
  });
});
