import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite, transforms } from "../../src/index.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";
import type * as z from "../../src/zod.js";
import { runCli } from "../helpers/run-cli.js";

/**
 * Every option of every strategy in the registry, given a value it refuses in `x-stackmod`, stops the run
 * with exit 2 (BAD_OPTION) at that value's file:line:column, in each of the three places a file writes
 * options: the service's own block, the top-level `services.NAME`, and the top-level block. The cases are
 * read from each strategy's options schema, so a new strategy or option is covered without editing this.
 */
interface Leaf {
  strategy: string;
  key: string;
  path: string[];
  bad: unknown;
}

type Def = { type: string; innerType?: z.ZodMiniType; shape?: Record<string, z.ZodMiniType> };
const defOf = (schema: z.ZodMiniType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The first of these a leaf's schema refuses: written as a scalar, so that its position is its own. */
const candidates: unknown[] = [12345, "no-such-value", true];

function leaves(schema: z.ZodMiniType, path: string[], found: { path: string[]; schema: z.ZodMiniType }[]): void {
  const def = defOf(schema);
  if (def.innerType && ["optional", "default", "prefault", "nullable"].includes(def.type))
    return leaves(def.innerType, path, found);
  if (def.type === "object" && def.shape) {
    for (const [key, inner] of Object.entries(def.shape)) leaves(inner, [...path, key], found);
    return;
  }
  found.push({ path, schema });
}

const cases: Leaf[] = transforms.flatMap((strategy) => {
  const found: { path: string[]; schema: z.ZodMiniType }[] = [];
  leaves(strategy.optionsSchema, [], found);
  return found.map(({ path, schema }) => {
    const bad = candidates.find((value) => !schema.safeParse(value).success);
    if (bad === undefined) throw new Error(`${strategy.optionsKey}.${path.join(".")}: no candidate is refused`);
    return { strategy: strategy.name, key: strategy.optionsKey, path, bad };
  });
});

/** The block `key:` with the option at `path` set to `bad`, indented by `indent`; and where `bad` is in it. */
function block(leaf: Leaf, indent: number): { lines: string[]; line: number; column: number } {
  const steps = [leaf.key, ...leaf.path];
  const lines = steps.map((step, i) => {
    const pad = " ".repeat(indent + 2 * i);
    return i < steps.length - 1 ? `${pad}${step}:` : `${pad}${step}: ${JSON.stringify(leaf.bad)}`;
  });
  const last = steps.at(-1)!;
  return { lines, line: lines.length, column: indent + 2 * (steps.length - 1) + last.length + 3 };
}

/** A stack file whose service `app` needs a rewrite, with the bad option in `place`. */
function file(leaf: Leaf, place: "service" | "services.NAME" | "top"): { text: string; line: number; column: number } {
  const head = ['version: "3.8"'];
  let options: { lines: string[]; line: number; column: number };
  if (place === "top") {
    options = block(leaf, 2);
    head.push("x-stackmod:", ...options.lines);
  } else if (place === "services.NAME") {
    options = block(leaf, 6);
    head.push("x-stackmod:", "  services:", "    app:", ...options.lines);
  }
  const start = head.length;
  const service = [
    "services:",
    "  app:",
    "    image: nginx",
    "    network_mode: host",
    "    ports:",
    '      - "80:80"',
  ];
  if (place === "service") {
    options = block(leaf, 6);
    service.push("    x-stackmod:", `      strategy: ${leaf.strategy}`, ...options.lines);
    return {
      text: [...head, ...service].join("\n") + "\n",
      line: start + service.length,
      column: options.column,
    };
  }
  // The bad value is the last line of the top-level block.
  return { text: [...head, ...service].join("\n") + "\n", line: start, column: options!.column };
}

describe("a bad value of every strategy option stops the run at that value", () => {
  it("the registry's schemas give cases, one per option of each strategy", () => {
    for (const strategy of transforms)
      expect(
        cases.some((c) => c.strategy === strategy.name),
        strategy.name,
      ).toBe(true);
  });

  for (const place of ["service", "services.NAME", "top"] as const) {
    it(`written in x-stackmod (${place}): exit 2, BAD_OPTION at its file:line:column`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "stackmod-option-positions-"));
      mkdirSync(join(dir, "cases"));
      const expected = cases.map((leaf, i) => {
        const name = join(dir, "cases", `${String(i).padStart(3, "0")}-${leaf.key}-${leaf.path.join("-")}.yml`);
        const written = file(leaf, place);
        writeFileSync(name, written.text);
        return { name, leaf, line: written.line, column: written.column };
      });
      const run = await runCli(["rewrite", join(dir, "cases"), "--format", "json"]);
      expect(run.code).toBe(2);
      const report = JSON.parse(run.stdout) as {
        files: {
          file: string;
          status: string;
          error?: { code: string; message: string; file: string; line: number; column: number };
        }[];
      };
      for (const { name, leaf, line, column } of expected) {
        const option = [leaf.key, ...leaf.path].join(".");
        const entry = report.files.find((f) => f.file === name);
        expect(entry, name).toBeDefined();
        expect(entry!.status, `${option}: ${JSON.stringify(entry)}`).toBe("error");
        expect(entry!.error, option).toMatchObject({ code: "BAD_OPTION", file: name, line, column });
        expect(entry!.error!.message, option).toContain(`${option}\``);
      }
      const text = await runCli(["rewrite", expected[0]!.name]);
      expect(text.code).toBe(2);
      expect(text.stderr).toContain(`${expected[0]!.name}:${expected[0]!.line}:${expected[0]!.column}:`);
    });
  }
});

describe("an option the flags give, refused by the strategy, is not shown where a lower block wrote another", () => {
  it("split's queue.topic from the flags, the top-level block writing another: at the service, not that block", () => {
    const text =
      'version: "3.8"\nx-stackmod:\n  queue:\n    topic: fine\nservices:\n  app:\n    image: nginx\n' +
      "    network_mode: host\n    networks: [backend]\nnetworks:\n  backend: {}\n";
    const run = () =>
      rewrite(text, { file: "stack.yml", options: { strategy: "split", queue: { topic: "two words" } } });
    expect(stackmodErrorOf(run)).toMatchObject({ code: "BAD_OPTION", line: 6, column: 3 });
    // Written in the file, the error is at the value.
    const own = () =>
      rewrite(text.replace("topic: fine", "topic: two words"), { file: "stack.yml", options: { strategy: "split" } });
    expect(stackmodErrorOf(own)).toMatchObject({ code: "BAD_OPTION", line: 4, column: 12 });
  });
});
