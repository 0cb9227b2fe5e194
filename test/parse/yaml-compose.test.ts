import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Composer, LineCounter, parseAllDocuments, Parser, type CST, type Document } from "yaml";
import { composeDocuments, releasing } from "../../src/parse/compose.js";
import { testDir } from "../helpers/paths.js";

const options = { merge: true, strict: true, prettyErrors: false, uniqueKeys: false } as const;

/** Every property of every node, ranges and comments included, one line per value. */
function describeDocument(doc: Document.Parsed): string {
  const lines: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === null || typeof value !== "object") {
      lines.push(`${path} = ${typeof value === "symbol" ? value.toString() : JSON.stringify(value)}`);
      return;
    }
    lines.push(`${path} : ${value.constructor.name}`);
    for (const [key, child] of Object.entries(value)) {
      if (typeof child !== "function") walk(child, `${path}.${key}`);
    }
  };
  walk({ contents: doc.contents, range: doc.range, comment: doc.comment, commentBefore: doc.commentBefore }, "doc");
  for (const problem of [...doc.errors, ...doc.warnings])
    lines.push(`${problem.code} ${problem.pos.join("-")} ${problem.message}`);
  return lines.join("\n");
}

function expectSameAsYaml(text: string): void {
  const theirCounter = new LineCounter();
  let theirs: Document.Parsed[];
  try {
    theirs = parseAllDocuments(text, { ...options, lineCounter: theirCounter }) as Document.Parsed[];
  } catch (error) {
    expect(() => composeDocuments(text, options, new LineCounter(), true)).toThrow(
      (error as Error).constructor as never,
    );
    return;
  }
  const counter = new LineCounter();
  const ours = composeDocuments(text, options, counter, true);
  // Where the nesting is deeper than the call stack, how far each got depends on the stack: both must report it.
  const overflowed = (docs: Document.Parsed[]) =>
    docs.some((doc) => doc.errors.some((error) => /call stack/i.test(error.message)));
  expect(overflowed(ours)).toBe(overflowed(theirs));
  if (!overflowed(theirs))
    expect(ours.map(describeDocument).join("\n---\n")).toBe(theirs.map(describeDocument).join("\n---\n"));
  expect(counter.lineStarts).toEqual(theirCounter.lineStarts);
}

function stack(services: number): string {
  const lines = ['version: "3.8"', "x-defaults: &defaults", "  logging: {driver: json-file}", "services:"];
  for (let i = 0; i < services; i += 1) {
    lines.push(
      `  # service ${i}`,
      `  svc${i}:`,
      "    <<: *defaults",
      `    image: "example/app:${i}"`,
      "    networks:",
      "      - backend",
      "",
      "    environment:",
      `      NAME: svc${i} # in logs`,
    );
  }
  lines.push("networks:", "  backend: {driver: overlay}", "");
  return lines.join("\n");
}

describe("composing a file while its syntax tree is let go", () => {
  const fixtures = join(testDir, "fixtures");
  const badInput = join(testDir, "bad-input", "cases");
  const files = [
    ...readdirSync(fixtures).flatMap((group) =>
      readdirSync(join(fixtures, group))
        .filter((f) => f.endsWith(".yml"))
        .map((f) => join(fixtures, group, f)),
    ),
    ...readdirSync(badInput)
      .filter((f) => f.endsWith(".yml"))
      .map((f) => join(badInput, f)),
  ];

  it("gives every fixture and bad-input file the same documents, errors and lines as yaml's parseAllDocuments", () => {
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) expectSameAsYaml(readFileSync(file, "utf8"));
  });

  it("gives the same on texts of every shape: flow and sequence roots, top-level lists, many documents, empty", () => {
    for (const text of [
      "",
      "# only a comment\n",
      "{a: 1, b: [1, 2]}\n",
      "- a\n- b: 1\n",
      "a:\n  - 1\n  - x: 2\nb: 3\n",
      "a: 1\n---\nb: 2\n",
      "a: &x {k: 1}\nb: *x\nc:\n  <<: *x\n",
      "a:\n  b: 1\n c: 2\n",
    ]) {
      expectSameAsYaml(text);
    }
  });

  it("lets go of each item of the top-level mapping and the collections under it once yaml's composer read it", () => {
    const tokens = [...new Parser().parse(stack(20))];
    const root = tokens.find((token) => token.type === "document")!.value as CST.BlockMap;
    const services = root.items[2]!.value as CST.BlockMap;
    const items = (collection: CST.BlockMap) =>
      Array.from({ length: collection.items.length }, (_, index) => collection.items[index]);
    expect(items(services).length).toBe(20);
    const [doc] = [...new Composer(options).compose(releasing(tokens))];
    expect(doc!.errors).toEqual([]);
    expect(doc!.getIn(["services", "svc19", "environment", "NAME"])).toBe("svc19");
    expect(items(root)).toEqual(Array(4).fill(undefined));
    expect(items(services)).toEqual(Array(20).fill(undefined));
  });
});
