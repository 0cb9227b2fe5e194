import { mkdtempSync, readdirSync, readFileSync, renameSync as realRename, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";

/** What runs just before stackmod's rename, standing in for a user who saves at that moment. */
const hooks: { beforeRename?: (from: string, to: string) => void; onFsync?: () => void } = {};

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      const hook = hooks.onFsync;
      hooks.onFsync = undefined;
      hook?.();
      fs.fsyncSync(fd);
    },
    renameSync: (from: string, to: string) => {
      const hook = hooks.beforeRename;
      hooks.beforeRename = undefined;
      hook?.(from, to);
      fs.renameSync(from, to);
    },
  };
});

const { writeFileAtomic } = await import("../../src/io/atomic-write.js");
const { runMain } = await import("../helpers/cli-capture.js");
const { testDir } = await import("../helpers/paths.js");

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "stackmod-window-")), "stack.yml");
  writeFileSync(path, text);
  return path;
}

afterEach(() => {
  hooks.beforeRename = undefined;
  hooks.onFsync = undefined;
});

describe("an edit saved while stackmod writes is not lost", () => {
  it("saved in place just before the rename: the user's text is put back and the write is refused", () => {
    const path = file("old\n");
    hooks.beforeRename = (_, to) => writeFileSync(to, "theirs, saved in place\n");
    expect(() => writeFileAtomic(path, "ours\n", { expected: "old\n" })).toThrow(/put back/);
    expect(readFileSync(path, "utf8")).toBe("theirs, saved in place\n");
  });

  it("saved by rename (a new file) while the temporary file is written: nothing is written", () => {
    const path = file("old\n");
    hooks.onFsync = () => {
      writeFileSync(`${path}.editor`, "theirs, saved by rename\n");
      realRename(`${path}.editor`, path);
    };
    expect(() => writeFileAtomic(path, "ours\n", { expected: "old\n" })).toThrow(/changed while stackmod/);
    expect(readFileSync(path, "utf8")).toBe("theirs, saved by rename\n");
  });

  it("changed before the write starts: nothing is written", () => {
    const path = file("old\n");
    writeFileSync(path, "theirs\n");
    expect(() => writeFileAtomic(path, "ours\n", { expected: "old\n" })).toThrow(/changed while stackmod/);
    expect(readFileSync(path, "utf8")).toBe("theirs\n");
  });

  it("rewrite --write: saved in place during the write, same size, its mtime set back: exit 2", async () => {
    const path = file(readFileSync(join(testDir, "..", "examples", "bacnet-stack.yml"), "utf8"));
    const past = new Date("2021-05-06T07:08:09Z");
    utimesSync(path, past, past);
    const theirs = readFileSync(path, "utf8").replace("BACnet", "BACNET");
    hooks.onFsync = () => {
      writeFileSync(path, theirs);
      utimesSync(path, past, past);
    };
    const run = await runMain(["rewrite", "--write", path]);
    expect(hooks.onFsync).toBeUndefined();
    expect(run.code).toBe(2);
    expect(run.errors).toEqual([
      `${path}:1:1: error WRITE_FAILED: the file changed while stackmod was working on it; nothing was written: ` +
        "run stackmod again",
    ]);
    expect(readFileSync(path, "utf8")).toBe(theirs);
    expect(readdirSync(join(path, ".."))).toEqual(["stack.yml"]);
  });
});
