import { isMap, isScalar, visit, type Document, type Node } from "yaml";

/**
 * The offset of the first key (in document order) that repeats an earlier key of its mapping,
 * compared the way yaml's `uniqueKeys` does (the same node, or scalars with `===`
 * values). yaml checks each key against every earlier key of its mapping, which
 * is quadratic (100,000 keys: over a minute); this is one pass with a set per mapping.
 */
export function firstDuplicateKey(doc: Document.Parsed): number | undefined {
  let at = Infinity;
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        const value = isScalar(key) ? key.value : key;
        if (typeof value === "number" && Number.isNaN(value)) continue;
        if (seen.has(value)) {
          const offset = key?.range?.[0] ?? map.range?.[0] ?? 0;
          at = Math.min(at, offset);
          return undefined;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return at === Infinity ? undefined : at;
}
