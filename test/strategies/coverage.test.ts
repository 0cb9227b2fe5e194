import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, rewrite, transforms } from "../../src/index.js";
import { optionRows } from "../../src/plan/options-doc.js";
import { optionFlags } from "../../src/cli/commands/option-flags.js";
import { testDir } from "../helpers/paths.js";

/**
 * Every strategy has fixtures, its flows, an example that uses it, a README section, documented options
 * and flags that set its options: all a strategy's module and its registry line must bring (CONTRIBUTING.md).
 */
const repo = join(testDir, "..");
const readme = readFileSync(join(repo, "README.md"), "utf8");
const examples = readdirSync(join(repo, "examples")).filter((f) => f.endsWith(".yml"));
const usedByExamples = new Set(
  examples.flatMap((name) =>
    rewrite(readFileSync(join(repo, "examples", name), "utf8"), { file: name }).applied.map((a) => a.strategy),
  ),
);

it("every strategy written in src/strategies/ is in the registry (src/strategies/index.ts)", () => {
  const dir = join(repo, "src", "strategies");
  const registered = new Set<string>(transforms.map((t) => t.name));
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== "shared");
  const written = folders.flatMap((folder) =>
    readdirSync(join(dir, folder.name))
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => {
        const text = readFileSync(join(dir, folder.name, f), "utf8");
        const names = [...text.matchAll(/defineStrategy\(\{\s*name: "([^"]+)"/g)].map((m) => m[1]!);
        return names.map((name) => ({ file: `src/strategies/${folder.name}/${f}`, name }));
      }),
  );
  expect(written.length).toBeGreaterThan(0);
  const missing = written.filter((w) => !registered.has(w.name)).map((w) => `${w.file}: ${w.name}`);
  expect(missing, "a strategy's line in the registry of src/strategies/index.ts").toEqual([]);
  // A folder beside the registry is a strategy's (shared/ excepted): one without a registered strategy is named.
  const empty = folders.filter((f) => !written.some((w) => w.file.startsWith(`src/strategies/${f.name}/`)));
  expect(empty.map((f) => `src/strategies/${f.name}/: no defineStrategy`)).toEqual([]);
});

describe.each(transforms.map((t) => [t.name, t.optionsKey]))("strategy %s", (name, key) => {
  it("has fixture pairs, a Swarm case and a Compose case at least", () => {
    const dir = join(repo, "test", "fixtures", name);
    expect(existsSync(dir), `${name}: no folder test/fixtures/${name}/`).toBe(true);
    const cases = readdirSync(dir).filter((f) => f.endsWith(".input.yml"));
    expect(cases.length, `${name}: no test/fixtures/${name}/CASE.input.yml`).toBeGreaterThan(0);
    for (const input of cases) {
      const output = input.replace(/\.input\.yml$/, ".output.yml");
      expect(existsSync(join(dir, output)), `test/fixtures/${name}/${output}`).toBe(true);
    }
    const dialects = new Set(cases.map((f) => check(readFileSync(join(dir, f), "utf8"), { file: f }).dialect));
    expect([...dialects].sort(), `${name}: the dialects of its fixtures`).toEqual(["compose", "swarm"]);
  });

  it("gives its own flows, and a fixture checks its flow report (<case>.flows.txt)", () => {
    const strategy = transforms.find((t) => t.name === name)!;
    expect(typeof strategy.flows, "flows").toBe("function");
    const dir = join(repo, "test", "fixtures", name);
    const reports = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".flows.txt")) : [];
    const checked = reports.some((f) => readFileSync(join(dir, f), "utf8").trim() !== "");
    expect(checked, `${name}: no test/fixtures/${name}/CASE.flows.txt that is not empty`).toBe(true);
  });

  it("is used by a bundled example", () => {
    expect([...usedByExamples], `${name}: no example in examples/ that it rewrites`).toContain(name);
  });

  it("has a README section", () => {
    expect(readme, `${name}: no \`### ${name}\` in README.md`).toMatch(new RegExp(`^### ${name}\\b`, "m"));
  });

  it("describes each of its options, in `stackmod transforms` and the README's options list", () => {
    const rows = optionRows(transforms).filter((row) => row.option.startsWith(`\`${key}.`));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.description, row.option).not.toBe("");
      const item = `\n- ${row.option} (`;
      expect(readme.includes(item), `${row.option}: no item in the README's options list (npm run docs)`).toBe(true);
    }
  });

  it("declares flags that set its own options, each with help, each a flag of `stackmod rewrite`", () => {
    const strategy = transforms.find((t) => t.name === name)!;
    const documented = optionRows(transforms).map((row) => row.option.replace(/`/g, ""));
    for (const flag of strategy.flags) {
      const option = `${key}.${flag.option}`;
      expect(flag.help, flag.flags).not.toBe("");
      // A described mapping is one row (`queue.processor`): the flag sets it or a key inside it.
      expect(
        documented.some((row) => option === row || option.startsWith(`${row}.`)),
        option,
      ).toBe(true);
      expect(optionFlags.find((f) => f.flags === flag.flags)?.sets, flag.flags).toContain(option);
    }
  });
});

describe("flags several strategies declare", () => {
  const declared = transforms.flatMap((t) => t.flags.map((flag) => ({ strategy: t.name, flag })));
  const shared = [...new Set(declared.map((d) => d.flag.flags))].filter(
    (flags) => declared.filter((d) => d.flag.flags === flags).length > 1,
  );

  it.each(shared)("%s: the same attribute, values and repetition in each declaration", (flags) => {
    const all = declared.filter((d) => d.flag.flags === flags).map((d) => d.flag);
    for (const flag of all) {
      expect(flag.values, flags).toBeDefined();
      expect([flag.attribute, flag.values, flag.repeatable]).toEqual([
        all[0]!.attribute,
        all[0]!.values,
        all[0]!.repeatable,
      ]);
    }
  });
});
