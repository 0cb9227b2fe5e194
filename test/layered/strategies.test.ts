import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { refusedByEngine } from "../helpers/engine-oracle.js";
import { stackConfig } from "../helpers/stack-config.js";
import { testDir } from "../helpers/paths.js";

/**
 * `rewrite -c A -c B [-c C] --write` through the built binary, one folder per case in test/layered/cases/:
 * `in/` the files given to -c, `out/` every file the run writes (the files it changes and the extra files; the
 * others must stay as they were), `case.json` the files in -c order and the flags (`again`: the flags of the second
 * run, when the first names a service the rewrite renamed), `merged.yml` the stack the files mean when docker stack
 * config refuses to merge them (an `extends`, which docker stack refuses in every file).
 */
const bin = resolve(testDir, "..", "bin/stackmod.js");
const root = resolve(testDir, "layered/cases");

interface Case {
  files: string[];
  args: string[];
  again?: string[];
  /** The file whose conflict the plan is reported with (and whose name its extra files take); default the last. */
  home?: string;
  /** A rewrite stackmod cannot write back: exit 2, this first line on stderr, nothing written. */
  error?: string;
}

function run(dir: string, args: string[]) {
  const result = spawnSync("node", [bin, "rewrite", ...args], { cwd: dir, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(files: [string, string][]): string {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-layered-cases-"));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * `docker stack config`'s output, with the lists docker merges by key in the order its merge leaves them: sorted
 * by published port, source, target (docker/cli v28.2.2 cli/compose/loader/merge.go toServicePortConfigsSlice and
 * the others). One file's lists keep their written order; merged, they are sorted: the order means nothing.
 */
function inDockerOrder(text: string): unknown {
  const data = parse(text) as { services?: Record<string, Record<string, unknown>> };
  const keys: Record<string, (item: Record<string, unknown>) => string | number> = {
    ports: (p) => Number(p.published ?? 0),
    secrets: (s) => String(s.source),
    configs: (c) => String(c.source),
    volumes: (v) => String(v.target),
  };
  for (const service of Object.values(data.services ?? {})) {
    for (const [key, of] of Object.entries(keys)) {
      const list = service[key] as Record<string, unknown>[] | undefined;
      if (Array.isArray(list)) service[key] = [...list].sort((a, b) => (of(a) < of(b) ? -1 : of(a) > of(b) ? 1 : 0));
    }
  }
  return data;
}

const contents = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8")]));

describe("layered rewrite, every strategy, through the built binary", () => {
  for (const name of readdirSync(root)) {
    const at = join(root, name);
    const spec = JSON.parse(readFileSync(join(at, "case.json"), "utf8")) as Case;
    const inputs = contents(join(at, "in"));
    const layered = spec.files.flatMap((f) => ["-c", f]);
    if (spec.error !== undefined) {
      it(`${name}: exit 2 naming the files and what to write by hand, nothing written`, () => {
        const dir = folder(Object.entries(inputs));
        try {
          const result = run(dir, [...layered, ...spec.args, "--write"]);
          expect(result.code).toBe(2);
          expect(result.stderr.split(/(?<=\n)/)[0]).toBe(spec.error);
          expect(contents(dir)).toEqual(inputs);
          // The plan itself is one docker reads: the files only could not be written to merge to it.
          const merged = stackConfig({ files: spec.files.map((f) => [f, inputs[f]!]) });
          if (!merged.ok) throw new Error(merged.error);
          writeFileSync(join(dir, "merged.yml"), merged.output);
          expect(run(dir, ["merged.yml", ...spec.args, "--write"]).code).toBe(0);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
      continue;
    }
    const outputs = contents(join(at, "out"));

    it(`${name}: the bytes of every file written, only those, as docker reads the single-file plan, idempotent`, () => {
      const dir = folder(Object.entries(inputs));
      const single = mkdtempSync(join(tmpdir(), "stackmod-layered-plan-"));
      try {
        const first = run(dir, [...layered, ...spec.args, "--write"]);
        expect(first.stderr).not.toContain("error");
        expect(first.code).toBe(0);
        // Each file that must change holds exactly these bytes; every other file is as it was; nothing else appears.
        expect(contents(dir)).toEqual({ ...inputs, ...outputs });
        expect(Object.keys(outputs).length).toBeGreaterThan(0);
        for (const file of Object.keys(outputs).filter((f) => f in inputs))
          expect(outputs[file]).not.toBe(inputs[file]);

        // The plan: the same rewrite of the one file docker merges the inputs to, named as the home file.
        const home = spec.home ?? spec.files.at(-1)!;
        const given = stackConfig({ files: spec.files.map((f) => [f, inputs[f]!]) });
        let merged: string;
        if (existsSync(join(at, "merged.yml"))) {
          expect(given.ok ? "accepted" : given.error).toContain("forbidden properties");
          merged = readFileSync(join(at, "merged.yml"), "utf8");
        } else {
          if (!given.ok) throw new Error(`docker stack config refused the inputs: ${given.error}`);
          merged = given.output;
        }
        writeFileSync(join(single, home), merged);
        const alone = run(single, [home, ...spec.args, "--write"]);
        expect(alone.code).toBe(0);
        const planned = stackConfig({ files: [[home, readFileSync(join(single, home), "utf8")]] });
        const written = stackConfig({ files: spec.files.map((f) => [f, readFileSync(join(dir, f), "utf8")]) });
        if (!planned.ok) throw new Error(`docker stack config refused the single-file rewrite: ${planned.error}`);
        if (!written.ok) throw new Error(`docker stack config refused the written files: ${written.error}`);
        expect(inDockerOrder(written.output)).toEqual(inDockerOrder(planned.output));
        expect(refusedByEngine(written.output, "swarm")).toEqual([]);
        // The extra files (lan's setup script) are the single-file rewrite's, beside the home file.
        const extras = (files: Record<string, string>) =>
          Object.fromEntries(Object.entries(files).filter(([f]) => !f.endsWith(".yml")));
        expect(extras(contents(dir))).toEqual(extras(contents(single)));

        const again = run(dir, [...layered, ...(spec.again ?? spec.args), "--check"]);
        expect(again.stderr).not.toContain("error");
        expect(again.code).toBe(0);
        expect(run(dir, [...layered, ...(spec.again ?? spec.args), "--write"]).code).toBe(0);
        expect(contents(dir)).toEqual({ ...inputs, ...outputs });
      } finally {
        rmSync(dir, { recursive: true, force: true });
        rmSync(single, { recursive: true, force: true });
      }
    });
  }

  it("every case's input files are refused merged and accepted one by one, as docker stack config reads them", () => {
    for (const name of readdirSync(root)) {
      const spec = JSON.parse(readFileSync(join(root, name, "case.json"), "utf8")) as Case;
      const inputs = contents(join(root, name, "in"));
      expect(Object.keys(inputs).sort()).toEqual([...spec.files].sort());
      const merged = stackConfig({ files: spec.files.map((f) => [f, inputs[f]!]) });
      // Refused only merged: no one file holds the conflict (extends aside, which each file is refused for).
      if (merged.ok) expect(refusedByEngine(merged.output, "swarm")).not.toEqual([]);
      for (const file of spec.files) {
        const alone = stackConfig({ files: [[file, inputs[file]!]] });
        // A file alone may be refused for other reasons (a network another file declares), never for a conflict.
        expect(alone.ok ? refusedByEngine(alone.output, "swarm") : [], `${name}/${file}`).toEqual([]);
      }
    }
  });
});
