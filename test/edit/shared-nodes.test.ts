import { describe, expect, it } from "vitest";
import type { Node } from "yaml";
import { loadModel } from "../../src/model/load.js";
import { SharedNodes } from "../../src/edit/shared-nodes.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/** A text of whole lines, each ended by "\n". */
const y = (...lines: string[]): string => lines.map((line) => `${line}\n`).join("");

const text = y(
  "x-base: &base",
  "  image: x",
  "services:",
  "  a:",
  "    <<: *base",
  "    ports: !!seq &p",
  '      - "80"',
  "    environment: &free {A: 1}",
  "  b:",
  "    ports: *p",
);

function shared(source = text) {
  const model = loadModel(source, { file: "t.yml" });
  return { model, nodes: new SharedNodes(model) };
}

/** Where `check` refuses [start, end), as line:column, or "" when it lets the edit through. */
function refusedAt(nodes: SharedNodes, start: number, end: number): string {
  try {
    nodes.check(start, end);
    return "";
  } catch (error) {
    const { code, line, column } = error as { code: string; line: number; column: number };
    return `${code} ${line}:${column}`;
  }
}

describe("SharedNodes.check", () => {
  const { nodes } = shared();
  const base = text.indexOf("&base");
  const baseEnd = text.indexOf("services:") - 1;
  const tag = text.indexOf("!!seq");
  const portsEnd = text.indexOf("    environment");

  it("refuses a replacement that overlaps a node an alias uses, at the node's anchor", () => {
    expect(refusedAt(nodes, text.indexOf("x\n"), text.indexOf("x\n") + 1)).toBe("UNSUPPORTED 1:9");
    expect(refusedAt(nodes, 0, base + 1)).toBe("UNSUPPORTED 1:9");
    expect(refusedAt(nodes, baseEnd - 1, baseEnd + 5)).toBe("UNSUPPORTED 1:9");
  });

  it("counts a node's tag and anchor as part of it", () => {
    expect(refusedAt(nodes, tag, tag + 5)).toBe("UNSUPPORTED 6:12");
    expect(refusedAt(nodes, text.indexOf("&p"), text.indexOf("&p") + 2)).toBe("UNSUPPORTED 6:12");
  });

  it("refuses an insertion strictly inside a shared node, not one at either end", () => {
    const item = text.indexOf('      - "80"');
    expect(refusedAt(nodes, item, item)).toBe("UNSUPPORTED 6:12");
    expect(refusedAt(nodes, tag, tag)).toBe("");
    expect(refusedAt(nodes, portsEnd, portsEnd)).toBe("");
    expect(refusedAt(nodes, base, base)).toBe("");
  });

  it("lets through edits of everything else: an anchor nobody uses, the aliases themselves, the merge key", () => {
    const free = text.indexOf("&free");
    expect(refusedAt(nodes, free, text.indexOf("}", free) + 1)).toBe("");
    expect(refusedAt(nodes, text.indexOf("*p"), text.indexOf("*p") + 2)).toBe("");
    expect(refusedAt(nodes, text.indexOf("    <<"), text.indexOf("    ports"))).toBe("");
    expect(refusedAt(nodes, text.length, text.length)).toBe("");
  });

  it("finds a shared node among many, nested or not (the binary search over their starts)", () => {
    const lines = ["x-outer: &outer", "  inner: &inner [1, 2]", "  other: 3"];
    for (let index = 0; index < 40; index += 1) lines.push(`x-${index}: &a${index} ${index}`);
    lines.push("services:", "  a:", "    <<: *outer", "    x: *inner");
    for (let index = 0; index < 40; index += 2) lines.push(`    y${index}: *a${index}`);
    const many = y(...lines);
    const { nodes: all } = shared(many);
    const at = (needle: string) => many.indexOf(needle);
    // Inside two shared nodes: the refusal names the innermost.
    expect(refusedAt(all, at("[1, 2]") + 1, at("[1, 2]") + 2)).toBe("UNSUPPORTED 2:10");
    expect(refusedAt(all, at("other"), at("other"))).toBe("UNSUPPORTED 1:10");
    for (let index = 0; index < 40; index += 1) {
      const value = at(`&a${index} `) + `&a${index} `.length;
      expect(refusedAt(all, value, value + 1), String(index)).toBe(
        index % 2 === 0 ? `UNSUPPORTED ${index + 4}:${5 + String(index).length}` : "",
      );
    }
  });

  it("says what to do instead", () => {
    const error = stackmodErrorOf(() => nodes.check(tag, tag + 1));
    expect(error.message).toBe(
      "this rewrite would change the node anchored as &p, which is also used elsewhere through *p" +
        " (an alias or a merge key), so those places would change too; nothing was written." +
        " Give this service its own copy of what it" +
        " needs changed (move the shared part to an x- block, x-p: &p ..., and merge or alias it from there), or" +
        " choose strategy: skip for it",
    );
  });

  it("protects nothing in a file without aliases", () => {
    const { nodes: none } = shared(y("x-base: &base", "  image: x", "services:", "  a:", "    image: y"));
    expect(refusedAt(none, 0, 30)).toBe("");
  });
});

describe("SharedNodes: the service-level refusals", () => {
  it("knows which nodes are shared", () => {
    const { model, nodes } = shared();
    const [a, b] = model.services;
    expect(nodes.isShared(a!.map.get("ports", true) as Node)).toBe(true);
    expect(nodes.isShared(a!.map.get("environment", true) as Node)).toBe(false);
    expect(nodes.isShared(b!.map)).toBe(false);
  });

  it("refuses a service body that is an alias or an anchor others use; a body merging one is its own", () => {
    const { model, nodes } = shared(y("services:", "  a: &a", "    image: x", "  b: *a", "  c:", "    <<: *a"));
    const [a, b, c] = model.services;
    expect(stackmodErrorOf(() => nodes.assertOwnBody(a!)).format()).toBe(
      't.yml:2:3: error UNSUPPORTED: the body of service "a" is the anchor &a, which other services use; changing it' +
        " would change them too: move the shared keys to an x- block (x-a: &a) and merge it with <<",
    );
    expect(stackmodErrorOf(() => nodes.assertOwnBody(b!)).format()).toBe(
      't.yml:4:3: error UNSUPPORTED: service "b" is written as an alias of another service\'s body (*a); stackmod' +
        " cannot change it alone: write it with a merge key instead (`b: {<<: *a}`) and it gets its own overrides",
    );
    expect(() => nodes.assertOwnBody(c!)).not.toThrow();
  });

  it("refuses a service's own key whose value others alias, at the value", () => {
    const { model, nodes } = shared();
    const [a] = model.services;
    const ports = a!.map.get("ports", true) as Node;
    expect(stackmodErrorOf(() => nodes.assertNotShared(a!, "ports", ports)).format()).toBe(
      't.yml:7:7: error UNSUPPORTED: `ports` of service "a" is the anchor &p, which other services use; changing it' +
        " would change them too: move it to an x- block (x-p: &p ...) and refer to it with *p",
    );
    expect(() => nodes.assertNotShared(a!, "environment", a!.map.get("environment", true) as Node)).not.toThrow();
  });
});
