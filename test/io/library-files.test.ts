import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { rewriteFile } from "../../src/index.js";
import { testUrl } from "../helpers/paths.js";

/** The file helpers a deployment script uses do what `stackmod rewrite --write` does. */
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function copyOfExample(name: string): string {
  const folder = mkdtempSync(join(tmpdir(), "stackmod-lib-"));
  folders.push(folder);
  const path = join(folder, name);
  copyFileSync(new URL(`../examples/${name}`, testUrl), path);
  return path;
}

describe("rewriteFile", () => {
  it("writes the stack file and the setup script a strategy asks for", () => {
    const path = copyOfExample("multicast-gateway-stack.yml");
    const result = rewriteFile(path, { write: true });
    expect(result.written).toBe(true);
    expect(result.extraFiles.length).toBeGreaterThan(0);
    expect(readFileSync(path, "utf8")).toBe(result.output);
    for (const extra of result.extraFiles) expect(readFileSync(extra.path, "utf8")).toBe(extra.content);
  });

  it("writes nothing without `write`, and nothing again once the file is rewritten", () => {
    const path = copyOfExample("bacnet-stack.yml");
    const before = readFileSync(path, "utf8");
    expect(rewriteFile(path).written).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(before);
    rewriteFile(path, { write: true });
    const mtime = statSync(path).mtimeMs;
    const again = rewriteFile(path, { write: true });
    expect(again.changed).toBe(false);
    expect(again.written).toBe(false);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });
});
