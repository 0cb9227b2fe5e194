import { isMap, visit, type Document } from "yaml";

/**
 * Whether any mapping repeats a key, compared the way yaml's `uniqueKeys` does
 * (the same node, or scalars with `===` values). yaml checks each key against
 * every earlier key of its mapping, which is quadratic for a file with thousands
 * of services; this is one pass with a set per mapping.
 */
export function hasDuplicateKeys(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Map(_key, map) {
      if (!isMap(map)) return undefined;
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as { value?: unknown } | null;
        const value = key !== null && typeof key === "object" && "value" in key ? key.value : key;
        if (typeof value === "number" && Number.isNaN(value)) continue;
        if (seen.has(value)) {
          found = true;
          return visit.BREAK;
        }
        seen.add(value);
      }
      return undefined;
    },
  });
  return found;
}
