import { isDeepStrictEqual } from "node:util";
import { isMap, isScalar, isSeq, parseDocument, type Node } from "yaml";
import type { SourcePosition } from "../errors.js";
import type { LayeredModel } from "../model/layers.js";
import type { ParsedFile } from "../parse/parse.js";
import type { Entry } from "../parse/resolve.js";
import type { Origin } from "../parse/source-text.js";

/** A node of one of the stack's files, with the file that writes it. */
interface Written {
  node: Node;
  file: ParsedFile;
}

/** A node of the merged text: where it starts and ends, and the node of the files it comes from. */
interface Span {
  start: number;
  end: number;
  from: Written;
}

/**
 * Where each node of the merged stack's text comes from. That text is stackmod's own (`stringify` of docker's
 * merge of the files' data, `mergeStackData`): the single-file pipeline plans on it, and every position it gives
 * (a finding, a note, an option's place, an error) must name the user's file, line and column instead. Each node
 * of the text is matched, by its path from the root, with the nodes of the files at that path: a key with the key
 * of the first file that writes it (a service's name: of the file it is refused in, `homeOf`, where its results are
 * reported), a value with the last file's value (docker's merge gives a key the last file's
 * value; a mapping is then matched key by key), a list item with the last file's equal item (a merged list holds
 * the items of several files, docker keys some by published port or name), else with the item at its index. A
 * `networks:` list of one file read as the mapping another writes (and a `K=V` list as `environment:`'s mapping)
 * matches its items with the mapping's keys. An offset inside a node maps to the same offset in the node it comes
 * from when the two are written alike, else to its start.
 */
export function mergedOrigin(stack: LayeredModel, text: string, homeOf: (service: string) => string): Origin {
  const doc = parseDocument(text, { uniqueKeys: false });
  const spans: Span[] = [];
  const files = stack.documents;
  const own = (file: ParsedFile, node: Node | null | undefined): Written | undefined => {
    const found = file.resolver.deref(node);
    return found ? { node: found, file } : undefined;
  };
  const add = (node: Node | null | undefined, from: Written | undefined) => {
    if (node?.range && from) spans.push({ start: node.range[0], end: node.range[1], from });
  };
  const plain = (written: Written) =>
    written.node.toJS(written.file.doc, { maxAliasCount: written.file.maxAliasCount });

  const walk = (node: Node | null, origins: Written[], services = false): void => {
    if (node === null || origins.length === 0) return;
    add(node, origins.at(-1));
    if (isMap(node)) {
      const byKey = origins.map(({ node: map, file }) => keyed(map, file));
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keys: Written[] = [];
        const values: Written[] = [];
        for (const [index, entries] of byKey.entries()) {
          const found = entries.get(key);
          if (!found) continue;
          const file = origins[index]!.file;
          keys.push({ node: found.key, file });
          const value = found.value ? own(file, found.value) : { node: found.key, file };
          if (value) values.push(value);
        }
        // A service is where its results are reported: in the file it is refused in.
        const home = services ? keys.find((k) => k.file.source.file === homeOf(key)) : undefined;
        add(pair.key as Node, home ?? keys[0] ?? origins.at(-1));
        walk(
          pair.value as Node | null,
          values.length > 0 ? values : origins.slice(-1),
          node === top && key === "services",
        );
      }
    } else if (isSeq(node)) {
      const lists = origins.filter((o) => isSeq(o.node));
      const items = lists.map(({ node: list, file }) =>
        (list as { items: unknown[] }).items.flatMap((item) => {
          const written = own(file, item as Node);
          return written ? [{ written, data: plain(written) }] : [];
        }),
      );
      for (const [index, item] of (node.items as (Node | null)[]).entries()) {
        if (item === null) continue;
        const data = item.toJS(doc);
        const equal = items.flatMap((list) =>
          list.filter((i) => isDeepStrictEqual(i.data, data)).map((i) => i.written),
        );
        const atIndex = [...items].reverse().find((list) => list.length > index)?.[index]?.written;
        walk(item, equal.length > 0 ? equal : atIndex ? [atIndex] : origins.slice(-1));
      }
    }
  };
  const top = doc.contents;
  walk(
    doc.contents as Node | null,
    files.map((file) => ({ node: file.root, file })),
  );
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  // At one start, the innermost node: a mapping starts where its first key does, and the key is what is written there.
  const starts: Span[] = [];
  for (const span of spans) {
    if (starts.length > 0 && starts.at(-1)!.start === span.start) starts[starts.length - 1] = span;
    else starts.push(span);
  }
  return {
    position(offset: number): SourcePosition {
      let low = 0;
      let high = starts.length - 1;
      let found = -1;
      while (low <= high) {
        const middle = (low + high) >> 1;
        if (starts[middle]!.start <= offset) {
          found = middle;
          low = middle + 1;
        } else high = middle - 1;
      }
      if (found < 0) return stack.positionOf(null);
      const { start, end, from } = starts[found]!;
      const origin = from.node.range?.[0] ?? 0;
      const [fromStart, fromEnd] = from.node.range ?? [0, 0];
      const alike =
        offset < end && from.file.source.text.slice(fromStart, fromEnd) === text.slice(start, end) ? offset - start : 0;
      return stack.positionOf(from.node, origin + alike);
    },
  };
}

/**
 * The keys of a node as docker reads them: a mapping's (merge keys applied), a list's items as keys (`networks:`
 * as a list, `K=V` items): each with its key node and value node (none for a list item).
 */
function keyed(node: Node, file: ParsedFile): Map<string, { key: Node; value?: Node | null }> {
  const result = new Map<string, { key: Node; value?: Node | null }>();
  if (isMap(node)) {
    for (const entry of file.resolver.entries(node) as Entry[]) result.set(entry.key, entryNodes(entry));
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const found = file.resolver.deref(item);
      if (!isScalar(found) || found.value === null) continue;
      const text = String(found.value);
      const at = text.indexOf("=");
      result.set(at === -1 ? text : text.slice(0, at), { key: found });
    }
  }
  return result;
}

function entryNodes(entry: Entry): { key: Node; value: Node | null } {
  return { key: entry.pair.key as Node, value: entry.value };
}
