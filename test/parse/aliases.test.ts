import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Alias, isAlias, parseDocument, visit, type Node } from "yaml";
import { describe, expect, it } from "vitest";
import { indexAliases } from "../../src/parse/aliases.js";
import { walkDocument } from "../../src/parse/walk.js";
import { testDir } from "../helpers/paths.js";

// indexAliases hands yaml's private `ctx.aliasResolveCache` a list of its own: these tests fail
// when yaml's internals move, before a changed yaml can resolve an alias differently.

const aliasesOf = (text: string) => {
  const doc = parseDocument(text);
  const aliases: Alias[] = [];
  const anchored: Node[] = [];
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) aliases.push(node);
      else if (node.anchor) anchored.push(node);
    },
  });
  return { doc, aliases, anchored };
};

describe("the alias index (a patch of yaml's Alias.resolve)", () => {
  it("is pinned to the yaml version it was written for", () => {
    const wanted = JSON.parse(readFileSync(join(testDir, "..", "package.json"), "utf8")).dependencies.yaml;
    const installed = createRequire(import.meta.url)("yaml/package.json").version;
    expect(wanted, "package.json pins yaml exactly").toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(wanted);
  });

  it("relies on yaml's resolve reading ctx.aliasResolveCache instead of walking the document", () => {
    const { doc, aliases, anchored } = aliasesOf("a: &x first\nb: &x second\nc: *x\n");
    const [first, second] = anchored;
    const alias = aliases[0]!;
    // yaml's own answer is the last anchor before the alias...
    expect(alias.resolve(doc)).toBe(second);
    // ...and with a list handed in, it searches only that list: here it finds the first.
    const ctx = { aliasResolveCache: [first, alias], anchors: new Map(), doc, maxAliasCount: -1 } as never;
    const data = Alias.prototype.resolve.call(alias, doc, ctx);
    expect(data).toBe(first);
  });

  it("resolves every alias as yaml alone does, merges and redefined anchors included", () => {
    const texts = [
      "a: &x 1\nb: *x\nc: &x 2\nd: *x\n",
      "base: &b {x: 1, y: [1, 2]}\none:\n  <<: *b\n  y: 3\ntwo: {<<: [*b], z: *b}\n",
      "s: &s [&i 1, *i, &i 2, *i]\nt: *s\n",
      Array.from(
        { length: 200 },
        (_, i) => `k${i}: &a${i % 7} {v: ${i}}\nr${i}: *a${i < 7 ? i % 7 : (i * 3) % 7}\n`,
      ).join(""),
    ];
    for (const text of texts) {
      const plain = parseDocument(text, { merge: true }).toJS({ maxAliasCount: 10_000 });
      const indexed = parseDocument(text, { merge: true });
      indexAliases(walkDocument(indexed).aliases);
      expect(indexed.toJS({ maxAliasCount: 10_000 }), text).toEqual(plain);
    }
  });

  it("keeps yaml's alias-count limit", () => {
    const text = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n";
    const doc = parseDocument(text);
    indexAliases(walkDocument(doc).aliases);
    expect(() => doc.toJS({ maxAliasCount: 2 })).toThrow(/Excessive alias count/);
    expect(() => parseDocument(text).toJS({ maxAliasCount: 2 })).toThrow(/Excessive alias count/);
  });
});
