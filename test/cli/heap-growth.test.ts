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

/** The heap growing factor V8 applied at each full collection of `script`, run with `gc` exposed and the module's exports as `lib`. */
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

describe("withSlowHeapGrowth", () => {
  it("has V8 grow the heap by 20% while a huge text is worked on, nested calls included, then gives V8 back its own choice", () => {
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

  it("is what check(), rewrite() and their layered forms (-c A -c B) run a huge file in", () => {
    // A stack over the size, with a conflict in every tenth service.
    const text = `const services = Array.from({ length: 4500 }, (_, i) => \`  svc\${i}:\\n    image: "example/app:\${i}"\\n    networks: [\${i % 10 === 0 ? "hostnet, " : ""}backend]\\n    x-stackmod: {ports: ["\${2000 + i}/udp"]}\\n    environment:\\n      NAME: svc\${i} # \${"x".repeat(100)}\\n\`);
      const text = \`version: "3.8"\\nservices:\\n\${services.join("")}networks:\\n  hostnet: {external: true, name: host}\\n  backend: {driver: overlay}\\n\`;
      if (text.length < ${hugeText}) throw new Error("the stack is too small: " + text.length);`;
    for (const call of ["check", "rewrite"]) {
      const seen = factors(`${text}\nlib.${call}(text, { file: "stack.yml" }); gc();`, [], "index.ts");
      expect(seen.slice(0, -1), call).toContain("1.2");
      expect(seen.at(-1), call).not.toBe("1.2");
    }
    for (const call of ["checkLayered", "rewriteLayered"]) {
      const seen = factors(`${text}\nlib.${call}([{ file: "stack.yml", text }], {}); gc();`, [], "layered/layered.ts");
      expect(seen.slice(0, -1), call).toContain("1.2");
      expect(seen.at(-1), call).not.toBe("1.2");
    }
  });
});
