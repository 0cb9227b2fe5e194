import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type Scalar,
} from "yaml";
import { goInteger } from "./docker-scalars.js";

/** What one walk of a parsed document finds, for the checks of the parse and for every later reader. */
export interface DocumentWalk {
  /** What `alias.resolve(doc)` finds for every alias (the last node before it with its anchor). */
  aliases: Map<Alias, Node | undefined>;
  /** Every node that carries an anchor, in document order. */
  anchored: Node[];
  /** The offset of the first key (in document order) that repeats an earlier key of its mapping. */
  duplicateKey: number | undefined;
  /** The deepest nesting of mappings and lists (the top-level mapping is 1). */
  depth: number;
  /** The first integer scalar (in document order) whose literal a JavaScript number cannot hold exactly. */
  inexactInteger: Node | undefined;
  /** The first key (in document order) that is a mapping or a list, or an alias of one: go-yaml refuses it. */
  collectionKey: Node | undefined;
  /**
   * The first scalar key (in document order, an alias's anchor read) that go-yaml reads as no string: a number,
   * a boolean, null, a timestamp, or a key with another tag (`!!binary`); the merge key aside.
   */
  nonStringKey: Node | undefined;
  /** Pairs whose key is the merge key (`<<`, or yaml's merge marker), in document order. */
  mergePairs: Pair[];
}

/**
 * One walk over the document in yaml's own `visit` order (depth first; a pair's key,
 * then its value), without yaml's `visit` and the frozen path it builds for every
 * collection: every check of the parse and every reader of the model takes what it
 * needs from this one walk rather than walking the document again. Without
 * recursion, so that depth cannot overflow the stack.
 *
 * On the way, `!!merge` on a value (`- !!merge backend`) is read as go-yaml, which
 * docker uses, reads it: the plain string. yaml reads it as its merge-key marker (a
 * symbol, which then breaks every string operation).
 */
export function walkDocument(doc: Document.Parsed): DocumentWalk {
  const aliases = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  const anchored: Node[] = [];
  const mergePairs: Pair[] = [];
  let duplicateKey = Infinity;
  let depth = 0;
  let inexactInteger: Node | undefined;
  let collectionKey: Node | undefined;
  let nonStringKey: Node | undefined;
  // Each entry: a node (or pair, or null), whether it is a pair's key, and its collection depth.
  const nodes: unknown[] = [doc.contents];
  const keys: boolean[] = [false];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const isKey = keys.pop()!;
    const level = depths.pop()!;
    if (isPair(node)) {
      const key = node.key;
      const merge = isScalar(key) && (key.value === "<<" || typeof key.value === "symbol");
      if (merge) mergePairs.push(node);
      const keyNode = isAlias(key) ? anchors.get(key.source) : key;
      if (collectionKey === undefined && isCollection(keyNode)) collectionKey = key as Node;
      if (nonStringKey === undefined && !merge && isScalar(keyNode) && notString(keyNode)) nonStringKey = keyNode;
      nodes.push(node.value, key);
      keys.push(false, true);
      depths.push(level, level);
      continue;
    }
    if (isAlias(node)) {
      aliases.set(node, anchors.get(node.source));
      if (node.anchor) anchored.push(node);
      continue;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor && (isScalar(node) || isCollection(node))) {
      anchors.set(anchor, node);
      anchored.push(node);
    }
    if (isScalar(node)) {
      if (!isKey && typeof node.value === "symbol") node.value = node.source ?? "<<";
      if (inexactInteger === undefined && inexact(node.value, node.source)) inexactInteger = node;
    } else if (isCollection(node)) {
      if (level > depth) depth = level;
      if (isMap(node)) duplicateKey = Math.min(duplicateKey, firstRepeat(node.items, node.range?.[0] ?? 0));
      for (let index = node.items.length - 1; index >= 0; index -= 1) {
        nodes.push(node.items[index]);
        keys.push(false);
        depths.push(level + 1);
      }
    }
  }
  return {
    aliases,
    anchored,
    duplicateKey: duplicateKey === Infinity ? undefined : duplicateKey,
    depth,
    inexactInteger,
    collectionKey,
    nonStringKey,
    mergePairs,
  };
}

/** A key go-yaml does not read as a string (the docker-scalar tags give each plain scalar go-yaml's type). */
function notString(key: Scalar): boolean {
  return typeof key.value !== "string" || (key.tag !== undefined && key.tag !== "tag:yaml.org,2002:str");
}

/** An integer literal beyond 2^53: the number read is not the one written. */
function inexact(value: unknown, source: string | undefined): boolean {
  if (typeof value !== "number" || Number.isSafeInteger(value) || !Number.isInteger(value)) return false;
  return goInteger(source ?? "") !== undefined;
}

/**
 * The offset of the first key of a mapping that repeats an earlier one, compared the
 * way yaml's `uniqueKeys` does (the same node, or scalars with `===` values). yaml
 * checks each key against every earlier key, which is quadratic (100,000 keys: over
 * a minute); this is one pass with a set.
 */
function firstRepeat(items: readonly Pair[], mapStart: number): number {
  const seen = new Set<unknown>();
  for (const pair of items) {
    const key = pair.key as Node | null;
    const value = isScalar(key) ? key.value : key;
    if (typeof value === "number" && Number.isNaN(value)) continue;
    if (seen.has(value)) return key?.range?.[0] ?? mapStart;
    seen.add(value);
  }
  return Infinity;
}
