import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";

/** A key of a mapping as seen after `<<` merges, with where its value really lives. */
export interface Entry {
  key: string;
  pair: Pair;
  /** The value with aliases followed; null for an empty value (`key:`). */
  value: Node | null;
  /** The pair is written in the mapping itself (not merged in through `<<`). */
  local: boolean;
  /** The value is written as an alias (`key: *anchor`). */
  viaAlias: boolean;
}

/**
 * Follows aliases and merge keys for reading. It walks only the paths asked for;
 * the whole-document expansion is bounded once, before, by `toJS({ maxAliasCount })`.
 */
export class Resolver {
  /** `targets`: what each alias refers to, when the parse has walked the document already (`ParsedFile.aliases`). */
  constructor(
    private readonly doc: Document.Parsed,
    private targets?: ReadonlyMap<Alias, Node | undefined>,
  ) {}

  deref(node: unknown): Node | null {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 64; hops += 1) current = this.target(current);
    return isAlias(current) ? null : ((current as Node | null | undefined) ?? null);
  }

  /**
   * What `alias.resolve(doc)` returns (the last node before the alias with its
   * anchor), from one walk of the document: `resolve` walks it on every call.
   */
  private target(alias: Alias): Node | undefined {
    if (!this.targets) {
      const targets = new Map<Alias, Node | undefined>();
      const anchored = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, anchored.get(node.source));
          else if ((node as { anchor?: string }).anchor) anchored.set((node as { anchor: string }).anchor, node);
        },
      });
      this.targets = targets;
    }
    return this.targets.has(alias) ? this.targets.get(alias) : alias.resolve(this.doc);
  }

  /** Each mapping's entries and their index by key, once read: the model and the rules ask for the same ones often. */
  private readonly read = new WeakMap<YAMLMap, { list: Entry[]; byKey: Map<string, Entry> }>();

  /**
   * The keys of a mapping in order, with `<<` merges applied as YAML 1.1 defines them (own keys win).
   * The same array on every call for the same mapping (the document is never changed once parsed): read it only.
   */
  entries(map: YAMLMap): Entry[] {
    return this.readMap(map).list;
  }

  get(map: YAMLMap, key: string): Entry | undefined {
    return this.readMap(map).byKey.get(key);
  }

  private readMap(map: YAMLMap): { list: Entry[]; byKey: Map<string, Entry> } {
    let read = this.read.get(map);
    if (!read) {
      const list = this.entriesOf(map);
      const byKey = new Map<string, Entry>();
      // The first entry of each key, as a search from the start finds it.
      for (const entry of list) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
      read = { list, byKey };
      this.read.set(map, read);
    }
    return read;
  }

  private entriesOf(map: YAMLMap): Entry[] {
    const own: Entry[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) continue;
      const key = keyText(pair.key);
      if (key === undefined) continue;
      own.push({ key, pair, value: this.deref(pair.value), local: true, viaAlias: isAlias(pair.value) });
    }
    const seen = new Set(own.map((entry) => entry.key));
    return [...own, ...this.merged(map).filter((entry) => !seen.has(entry.key))];
  }

  /** What the mapping's merges give `key`: the value that shows once the mapping's own `key` is gone. */
  beneath(map: YAMLMap, key: string): Entry | undefined {
    return this.merged(map).find((entry) => entry.key === key);
  }

  /** The keys the mapping's `<<` merges bring, the first source winning. */
  private merged(map: YAMLMap): Entry[] {
    const merged: Entry[] = [];
    const seen = new Set<string>();
    for (const pair of map.items) {
      if (!isMergeKey(pair.key)) continue;
      const sources = this.deref(pair.value);
      const list = isSeq(sources) ? sources.items.map((item) => this.deref(item)) : [sources];
      for (const item of list) {
        if (!isMap(item)) continue;
        for (const entry of this.entries(item)) {
          if (seen.has(entry.key)) continue;
          seen.add(entry.key);
          merged.push({ ...entry, local: false });
        }
      }
    }
    return merged;
  }

  /** Follows a path of keys and indexes through aliases and merges; the node there, or null. */
  nodeAt(start: Node | null, path: readonly PropertyKey[]): Node | null {
    let node = this.deref(start);
    for (const step of path) {
      if (isMap(node)) node = this.get(node, String(step))?.value ?? null;
      else if (isSeq(node) && typeof step === "number") node = this.deref(node.items[step]);
      else return node;
      if (node === null) return null;
    }
    return node;
  }
}

/**
 * The entry's value is the mapping's own: written in it (not merged in through `<<`) and not
 * an alias. Only such a value may be edited in place; any other belongs to an anchor that
 * other places use too, so the mapping gets a local override instead.
 */
export function isOwn(entry: Entry | undefined): entry is Entry & { local: true; viaAlias: false } {
  return entry !== undefined && entry.local && !entry.viaAlias;
}

export function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (key.value === "<<" || (typeof key.value === "symbol" && key.source === "<<"));
}

export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return key.value === null ? "" : String(key.value);
  return undefined;
}
