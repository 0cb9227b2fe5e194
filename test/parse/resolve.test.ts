import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { parseStackFile } from "../../src/parse/parse.js";
import { isMergeKey, isOwn, keyText, Resolver, type Entry } from "../../src/parse/resolve.js";

/** A text of whole lines, each ended by "\n". */
const y = (...lines: string[]): string => lines.map((line) => `${line}\n`).join("");

function resolverOf(text: string) {
  const parsed = parseStackFile(text, "t.yml");
  const resolver = new Resolver(parsed.doc);
  const services = resolver.get(parsed.root, "services")!.value as YAMLMap;
  const service = (name: string) => resolver.get(services, name)!.value as YAMLMap;
  return { parsed, resolver, service };
}

/** An entry as key, where its pair is written (line of its key, or of the merged-in one), and its flags. */
function described(text: string, entry: Entry): string {
  const line = text.slice(0, (entry.pair.key as Node).range![0]).split("\n").length;
  const value = isScalar(entry.value) ? String(entry.value.value) : isMap(entry.value) ? "{map}" : "[list]";
  const flags = [entry.local ? "local" : "merged", ...(entry.viaAlias ? ["alias"] : [])].join(" ");
  return `${entry.key}=${value} line ${line} ${flags}`;
}

const merges = y(
  "x-one: &one",
  "  image: one",
  "  user: one",
  "x-two: &two",
  "  image: two",
  "  init: true",
  "  <<: &deep {hostname: deep, user: deep}",
  "x-p: &p [80]",
  "services:",
  "  a:",
  "    <<: [*one, *two]",
  "    user: own",
  "    ports: *p",
  "  b:",
  "    <<: *two",
  "    image: own",
);

describe("Resolver.entries", () => {
  it("lists own keys first, then merged ones; own keys win, then the earlier merge source (YAML 1.1)", () => {
    const { resolver, service } = resolverOf(merges);
    expect(resolver.entries(service("a")).map((entry) => described(merges, entry))).toEqual([
      "user=own line 12 local",
      "ports=[list] line 13 local alias",
      "image=one line 2 merged",
      "init=true line 6 merged",
      "hostname=deep line 7 merged",
    ]);
    expect(resolver.entries(service("b")).map((entry) => described(merges, entry))).toEqual([
      "image=own line 16 local",
      "init=true line 6 merged",
      "hostname=deep line 7 merged",
      "user=deep line 7 merged",
    ]);
  });

  it("gets one key, with the value behind an alias", () => {
    const { resolver, service } = resolverOf(merges);
    const ports = resolver.get(service("a"), "ports")!;
    expect(isSeq(ports.value) && ports.value.items.length).toBe(1);
    expect(resolver.get(service("a"), "image")!.local).toBe(false);
    expect(resolver.get(service("a"), "missing")).toBeUndefined();
  });

  it("reads an explicit `!!merge` key as a merge, and an empty key as the key ``", () => {
    const text = y("x: &x {image: x}", "services:", "  a:", "    !!merge <<: *x", "    ? ''", "    : empty");
    const { resolver, service } = resolverOf(text);
    expect(resolver.entries(service("a")).map((entry) => described(text, entry))).toEqual([
      "=empty line 5 local",
      "image=x line 1 merged",
    ]);
  });
});

describe("isOwn: the one test for a value that may be edited in place", () => {
  it("holds for a value written in the mapping, not for one merged in or written as an alias", () => {
    const { resolver, service } = resolverOf(merges);
    const own = (name: string, key: string) => isOwn(resolver.get(service(name), key));
    expect([own("a", "user"), own("a", "ports"), own("a", "image"), own("b", "image"), own("b", "user")]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(isOwn(undefined)).toBe(false);
  });
});

describe("Resolver.deref and nodeAt", () => {
  it("follows aliases to their node, and a path through merges, aliases and lists", () => {
    const text = y("x-a: &a [10, 20]", "x-b: &b {ports: *a}", "services:", "  a:", "    <<: {deploy: *b}");
    const { parsed, resolver, service } = resolverOf(text);
    const a = resolver.get(parsed.root, "x-a")!.value;
    expect(resolver.get(resolver.get(parsed.root, "x-b")!.value as YAMLMap, "ports")!.value).toBe(a);
    expect(resolver.deref(null)).toBeNull();
    expect(String((resolver.nodeAt(service("a"), ["deploy", "ports", 1]) as { value: unknown }).value)).toBe("20");
    expect(resolver.nodeAt(service("a"), ["deploy", "missing", 0])).toBeNull();
    expect(resolver.nodeAt(service("a"), ["deploy", "ports", "x"])).toBe(a);
  });
});

describe("merge keys and key text", () => {
  it("knows a merge key, plain or tagged, and nothing else; a key's text", () => {
    const { parsed } = resolverOf(y("services:", "  a:", "    <<: {}", "    !!merge <<: {}", "    7: c", "    ~: d"));
    const keys = (parsed.doc.getIn(["services", "a"], true) as YAMLMap).items.map((pair) => pair.key);
    expect(keys.map(isMergeKey)).toEqual([true, true, false, false]);
    expect(keys.slice(2).map(keyText)).toEqual(["7", ""]);
    expect(keyText(null)).toBeUndefined();
  });
});
