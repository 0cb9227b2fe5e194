import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, parse, parseDocument } from "yaml";
import { rewrite, type RewriteOptions } from "../../src/index.js";

/**
 * Every fixture input written two other ways that mean the same to docker rewrites the same: without its
 * final newline (the same bytes, less that newline), and with its lists at their keys' column (the same
 * data). Each of these layouts can make an edit overlap another or land at the wrong column when the edits
 * assume the usual layout (`npm run fuzz -- --seed 20261203 --case 17268`, and case 14995, print two).
 */
const root = join(import.meta.dirname, "..", "fixtures");

interface Case {
  name: string;
  text: string;
  options: RewriteOptions;
}

function fixtureCases(): Case[] {
  const cases: Case[] = [];
  for (const group of readdirSync(root).filter((name) => name !== "rules")) {
    const dir = join(root, group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".input.yml"))) {
      const base = join(dir, file.replace(/\.input\.yml$/, ""));
      const read = (suffix: string) => (existsSync(base + suffix) ? readFileSync(base + suffix, "utf8") : undefined);
      const target = read(".target")?.trim() as "swarm" | "compose" | undefined;
      const fix = read(".fix")?.split("\n").filter(Boolean);
      const options: RewriteOptions = {
        file: file,
        options: JSON.parse(read(".options.json") ?? "{}") as RewriteOptions["options"],
        ...(target ? { target } : {}),
        ...(fix ? { fix } : {}),
      };
      cases.push({ name: `${group}/${file}`, text: readFileSync(join(dir, file), "utf8"), options });
    }
  }
  return cases.sort((a, b) => a.name.localeCompare(b.name));
}

/** The output, or the error's code: a layout must not turn a rewrite into an error or another error. */
function outcome(text: string, options: RewriteOptions): string {
  try {
    return rewrite(text, options).output;
  } catch (error) {
    return `error ${(error as { code?: string }).code ?? String(error)}`;
  }
}

/** A block scalar on the last lines reads differently without the final newline (its value loses one). */
function endsInBlockScalar(text: string): boolean {
  return /[|>][-+0-9]*[ \t]*(#.*)?\r?\n(?:[ \t]+\S.*\r?\n?)*$/.test(text);
}

const cases = fixtureCases();

/** The file with `services:` moved to its end, so that the last service's last line is the file's last. */
function servicesLast(text: string): string | undefined {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const items = doc.contents.items;
  const at = items.findIndex((pair) => isScalar(pair.key) && pair.key.value === "services");
  if (at === -1 || at === items.length - 1) return undefined;
  items.push(...items.splice(at, 1));
  return doc.toString({ lineWidth: 0 });
}

describe("a fixture written without its final newline rewrites to the same bytes, less that newline", () => {
  const layouts = cases.flatMap(({ name, text, options }) => {
    const last = servicesLast(text);
    return [
      { name, text, options },
      ...(last === undefined ? [] : [{ name: `${name}, services last`, text: last, options }]),
    ];
  });
  for (const { name, text, options } of layouts.filter((c) => c.text.endsWith("\n") && !endsInBlockScalar(c.text))) {
    it(name, () => {
      const eol = text.endsWith("\r\n") ? "\r\n" : "\n";
      const withNewline = outcome(text, options);
      const expected = withNewline.startsWith("error ") ? withNewline : withNewline.replace(/\r?\n$/, "");
      expect(outcome(text.slice(0, -eol.length), options)).toBe(expected);
    });
  }
});

describe("a fixture written with its lists at their keys' column rewrites to the same data", () => {
  const asData = (output: string) =>
    output.startsWith("error ") ? output : (parse(output, { merge: true, maxAliasCount: -1 }) as unknown);
  for (const { name, text, options } of cases) {
    const doc = parseDocument(text, { merge: true });
    if (doc.errors.length > 0) continue;
    const indented = doc.toString({ indentSeq: true, lineWidth: 0 });
    const indentless = doc.toString({ indentSeq: false, lineWidth: 0 });
    if (indented === indentless) continue;
    it(name, () => {
      expect(asData(outcome(indentless, options))).toEqual(asData(outcome(indented, options)));
    });
  }
});
