import { isMap, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { describe, expect, it } from "vitest";
import { SourceText } from "../../src/parse/source-text.js";
import { keyStart, nodeStart } from "../../src/edit/style.js";

/** The text from where stackmod says the first item of `key:` starts. */
function fromItem(text: string): string {
  const doc = parseDocument(text);
  const seq = (doc.contents as { items: Pair[] }).items[0]!.value;
  if (!isSeq(seq)) throw new Error("not a list");
  const item = seq.items.at(-1) as Node;
  return text.slice(nodeStart(new SourceText(text, "t.yml"), item), item.range![1]);
}

describe("nodeStart: a node starts at its tag and anchor", () => {
  it.each([
    ["a:\n  - !!str 9080:8080\n", "!!str 9080:8080"],
    ["a:\n  - &p 9080:8080\n", "&p 9080:8080"],
    ["a:\n  - &p !!str 9080:8080\n", "&p !!str 9080:8080"],
    ["a:\n  - &p # the UI\n    9080:8080\n", "&p # the UI\n    9080:8080"],
    ["a:\n  - !<tag:yaml.org,2002:str> 80\n", "!<tag:yaml.org,2002:str> 80"],
    ["a:\n  - x\n  - 80\n", "80"],
  ])("%j", (text, expected) => {
    expect(fromItem(text)).toBe(expected);
  });

  it("never takes the last word of the previous value for a property", () => {
    const text = "cmd: echo &x\nb: !y\nc: 1\n";
    const doc = parseDocument(text);
    const source = new SourceText(text, "t.yml");
    const pairs = (doc.contents as { items: Pair[] }).items;
    expect(keyStart(source, pairs[1]!)).toBe(text.indexOf("b:"));
    expect(keyStart(source, pairs[2]!)).toBe(text.indexOf("c:"));
  });

  it("an explicit key starts at its `?`", () => {
    const text = "services:\n  ? ha\n  : image: x\n  ? !!str db\n  : image: y\n";
    const doc = parseDocument(text);
    const services = (doc.contents as { items: Pair[] }).items[0]!.value;
    if (!isMap(services)) throw new Error("not a mapping");
    const source = new SourceText(text, "t.yml");
    expect(services.items.map((pair) => keyStart(source, pair))).toEqual([
      text.indexOf("? ha"),
      text.indexOf("? !!str db"),
    ]);
  });
});
