import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { hugeText } from "../../src/cli/heap-growth.js";
import { testDir } from "../helpers/paths.js";

const bundle = (entry: string) =>
  buildSync({
    entryPoints: [join(testDir, "..", "src", entry)],
    bundle: true,
    platform: "node",
    format: "cjs",
    write: false,
  }).outputFiles[0]!.text;

/**
 * The heap growing factor V8 applied at each full collection of `script`, run with `gc` exposed and the module's
 * exports as `lib`.
 */
function factors(script: string, flags: string[] = [], entry = "cli/heap-growth.ts"): string[] {
  const folder = mkdtempSync(join(tmpdir(), "stackmod-heap-"));
  writeFileSync(join(folder, "lib.cjs"), bundle(entry));
  writeFileSync(join(folder, "run.cjs"), `const lib = require("./lib.cjs");\n${script}`);
  const run = spawnSync(process.execPath, ["--expose-gc", "--trace-gc-verbose", ...flags, join(folder, "run.cjs")], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  rmSync(folder, { recursive: true });
  expect(run.status, run.stderr).toBe(0);
  return [...run.stdout.matchAll(/\[HeapController\] Limit: .* \(([\d.]+)\)$/gm)].map((match) => match[1]!);
}

// The huge-file runs are slow on a loaded machine: their timeouts are generous (nothing here is timed).
describe("withSlowHeapGrowth", () => {
  it("has V8 grow the heap by 20% while it works on a huge text (nested calls too), then lets V8 choose", () => {
    const seen = factors(`
      lib.withSlowHeapGrowth(${hugeText}, () => { lib.withSlowHeapGrowth(${hugeText}, () => gc()); gc(); });
      gc();
      lib.withSlowHeapGrowth(${hugeText - 1}, () => gc());
    `);
    expect(seen.slice(-4)).toEqual([
      "1.2",
      "1.2",
      expect.not.stringMatching(/^1\.2$/),
      expect.not.stringMatching(/^1\.2$/),
    ]);
  });

  it("leaves a --heap-growing-percent given on the command line alone", () => {
    const seen = factors(`lib.withSlowHeapGrowth(${hugeText}, () => gc()); gc();`, ["--heap-growing-percent=50"]);
    expect(seen.slice(-2)).toEqual(["1.5", "1.5"]);
  });

  // A stack over the size, with a conflict in every tenth service (JavaScript that builds it as `text`).
  const hugeStack = `const service = (i) =>
        \`  svc\${i}:\\n    image: "example/app:\${i}"\\n\` +
        \`    networks: [\${i % 10 === 0 ? "hostnet, " : ""}backend]\\n\` +
        \`    x-stackmod: {ports: ["\${2000 + i}/udp"]}\\n\` +
        \`    environment:\\n      NAME: svc\${i} # \${"x".repeat(100)}\\n\`;
      const services = Array.from({ length: 4500 }, (_, i) => service(i));
      const text =
        \`version: "3.8"\\nservices:\\n\${services.join("")}networks:\\n\` +
        \`  hostnet: {external: true, name: host}\\n  backend: {driver: overlay}\\n\`;
      if (text.length < ${hugeText}) throw new Error("the stack is too small: " + text.length);`;

  it("is left alone by the library: check(), rewrite() and their layered forms change nothing process-wide", () => {
    for (const call of ["check", "rewrite"]) {
      const seen = factors(`${hugeStack}\nlib.${call}(text, { file: "stack.yml" }); gc();`, [], "index.ts");
      expect(seen.length, call).toBeGreaterThan(0);
      expect(seen, call).not.toContain("1.2");
    }
    for (const call of ["checkLayered", "rewriteLayered"]) {
      const script = `${hugeStack}\nlib.${call}([{ file: "stack.yml", text }], {}); gc();`;
      const seen = factors(script, [], "layered/layered.ts");
      expect(seen.length, call).toBeGreaterThan(0);
      expect(seen, call).not.toContain("1.2");
    }
  }, 240_000);

  it("is what the command line runs a huge file in (check, rewrite, and -c)", () => {
    const folder = mkdtempSync(join(tmpdir(), "stackmod-heap-"));
    const make = spawnSync(process.execPath, ["-e", `${hugeStack}\nrequire("fs").writeFileSync("stack.yml", text);`], {
      cwd: folder,
    });
    expect(make.status, String(make.stderr)).toBe(0);
    const bin = join(testDir, "..", "bin", "stackmod.js");
    try {
      for (const args of [
        ["check", "stack.yml"],
        ["rewrite", "stack.yml"],
        ["check", "-c", "stack.yml"],
      ]) {
        const run = spawnSync(process.execPath, ["--trace-gc-verbose", bin, ...args], {
          cwd: folder,
          encoding: "utf8",
          maxBuffer: 256 * 1024 * 1024,
        });
        // A conflict found (check) or a dry run: never a failure.
        expect([0, 1], `${args.join(" ")}: ${run.stderr.slice(0, 2000)}`).toContain(run.status);
        const seen = [...run.stdout.matchAll(/\[HeapController\] Limit: .* \(([\d.]+)\)$/gm)].map((m) => m[1]!);
        expect(seen, args.join(" ")).toContain("1.2");
      }
    } finally {
      rmSync(folder, { recursive: true });
    }
  }, 240_000);
});
