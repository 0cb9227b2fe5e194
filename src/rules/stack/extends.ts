import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import type { ServiceModel, StackModel } from "../../model/types.js";
import type { Notes } from "../../edit/notes.js";
import type { CopiedText, ServiceEdits } from "../../edit/service-edits.js";
import { isMergeKey, isOwn } from "../../parse/resolve.js";
import { blockEnd, blockSpan, dashOffset, keyStart, nodeStart } from "../../edit/style.js";
import { mergeOf, notInherited, unextendable, type Merge } from "./extends-merge.js";

/** Why a same-file `extends` cannot be inlined safely, at the node to look at. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly node: Node | undefined,
  ) {
    super(message);
  }
}

/**
 * Inlines `extends: {service: X}` (or `extends: X`) of `service` from the same file:
 * the keys of X (and of what X extends) that the service does not set are copied in
 * as X writes them, merged as Compose merges them (extends-merge.ts), in place of the
 * `extends:` key. Nothing of X changes. False, with a note saying why, when a safe
 * inline is not possible: another file, a cycle, a base Compose refuses to extend,
 * anchors that the copied text would share, or a merge stackmod does not write.
 */
export function inlineExtends(
  model: StackModel,
  service: ServiceModel,
  edits: ServiceEdits,
  notes: Notes,
  inlinedLater: (base: string) => boolean,
): boolean | "wait" {
  try {
    const chain = baseChain(model, service);
    if (chain.length > 1) {
      if (inlinedLater(chain[0]!.name)) return "wait";
      throw new Refusal(
        `its base "${chain[0]!.name}" extends "${chain[1]!.name}", and stackmod did not inline that one (see ` +
          "its note): " +
          "inline it first",
        chain[0]!.map,
      );
    }
    edits.copyInto(service, planInline(model, service));
    notes.info(
      `${service.name}: inlined \`extends\` of "${chain[0]!.name}" as Compose merges it (docker stack refuses extends)`,
    );
    return true;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const at = error.node?.range ? model.positionOf(error.node) : service.position;
    notes.warn(`${service.name}: left \`extends\` (${at.file}:${at.line}:${at.column}): ${error.message}`);
    return false;
  }
}

function extendsEntry(model: StackModel, service: ServiceModel) {
  const entry = model.resolver.get(service.map, "extends");
  if (!entry) return undefined;
  if (!isOwn(entry))
    throw new Refusal("it comes from an anchor or a merge key: write it in the service", entry.value ?? undefined);
  return entry;
}

/** The name of the service that `service` extends in this file. */
function baseName(model: StackModel, service: ServiceModel): string | undefined {
  const value = extendsEntry(model, service)?.value;
  if (!value) return undefined;
  if (isScalar(value)) return String(value.value);
  if (isMap(value)) {
    const file = value.get("file", true);
    if (file !== undefined) {
      const text = isScalar(file) ? String(file.value) : "another file";
      throw new Refusal(
        `it extends a service of ${text}: stackmod inlines a service of the same file only; copy that ` +
          "service's keys in",
        file as Node,
      );
    }
    const name = value.get("service", true);
    if (isScalar(name) && typeof name.value === "string") return name.value;
  }
  throw new Refusal("`extends` is neither a service name nor {service: NAME}", value);
}

/** A chain is inlined one level a round (a parse each): deeper ones are refused. */
const maxChain = 32;

/** The services `service` extends, nearest first; a cycle or a missing service is refused. */
function baseChain(model: StackModel, service: ServiceModel): ServiceModel[] {
  const chain: ServiceModel[] = [];
  const seen = new Set([service.name]);
  for (let name = baseName(model, service); name !== undefined;) {
    const base = model.services.find((s) => s.name === name);
    if (!base) throw new Refusal(`it extends "${name}", which is not a service of this file`, undefined);
    if (seen.has(name)) {
      const loop = [service, ...chain, base].map((s) => `"${s.name}"`).join(" → ");
      throw new Refusal(`its extends form a cycle (${loop}), which Compose refuses too: break it`, base.map);
    }
    const blocker = unextendable(base.data);
    if (blocker) {
      throw new Refusal(`"${name}" has ${blocker}, and Compose refuses to extend such a service`, base.map);
    }
    seen.add(name);
    chain.push(base);
    if (chain.length > maxChain) {
      throw new Refusal(`its extends chain is deeper than ${maxChain} services: write it out`, base.map);
    }
    name = baseName(model, base);
  }
  return chain;
}

function planInline(model: StackModel, service: ServiceModel): CopiedText[] {
  const entry = extendsEntry(model, service)!;
  if (service.map.flow)
    throw new Refusal("the service is written in flow style ({...}): write it as a block", service.map);
  const chain = baseChain(model, service);
  const planner = new Planner(model);
  const source = model.parsed.source;
  const column = source.indentAt(keyStart(source, entry.pair));
  const pairs: string[] = [];
  const keys = [...new Set(chain.flatMap((base) => model.resolver.entries(base.map).map((e) => e.key)))];
  for (const key of keys.filter((k) => !notInherited(k))) {
    const merge = mergeOf(key);
    const holders = chain.flatMap((base) => model.resolver.get(base.map, key) ?? []);
    const mine = model.resolver.get(service.map, key);
    if (!mine) {
      if (merge.kind !== "override" && holders.length > 1) {
        throw new Refusal(
          `\`${key}\` is set by more than one service of its extends chain: write it out in "${service.name}"`,
          holders[0]!.pair.key as Node,
        );
      }
      pairs.push(planner.pairText(holders[0]!.pair, column));
      continue;
    }
    if (merge.kind === "override") continue;
    if (!isOwn(mine)) {
      throw new Refusal(
        `its \`${key}\` comes from an anchor or a merge key, and merging the base's into it would change the ` +
          "anchor's other users",
        mine.pair.key as Node,
      );
    }
    const bases = holders.flatMap((holder) => (holder.value ? [holder.value] : []));
    planner.merge(mine.value, bases, merge, key);
  }
  const end = blockEnd(source, (entry.pair.value as Node | null) ?? (entry.pair.key as Node));
  const span = blockSpan(source, keyStart(source, entry.pair), end);
  const eol = source.eol;
  const texts = [...pairs];
  // After `: ` of an explicit service key the first inherited key takes the place of `extends:`, on its line.
  if (span.afterIndicator && texts.length > 0) texts[0] = texts[0]!.slice(column);
  const text = span.afterIndicator ? texts.join(eol) : texts.map((line) => line + eol).join("");
  return [...planner.copies, { key: "extends", into: entry.pair, start: span.start, end: span.end, text }];
}

/** The text edits of a merge, checked before any is made. */
class Planner {
  readonly copies: CopiedText[] = [];

  constructor(private readonly model: StackModel) {}

  private get source() {
    return this.model.parsed.source;
  }

  merge(own: Node | null, bases: Node[], merge: Merge, path: string): void {
    if (merge.kind === "override" || bases.length === 0) return;
    if (merge.kind === "refuse") {
      throw new Refusal(`both the service and its base set \`${path}\`: merge them by hand`, own ?? undefined);
    }
    if (!own || !(isMap(own) || isSeq(own))) {
      throw new Refusal(
        `\`${path}\` is empty or a single value here and set in the base: write it out`,
        own ?? undefined,
      );
    }
    this.assertOwn(own, path);
    if (merge.kind === "nested") this.mergeNested(own, bases, merge, path);
    else if (merge.kind === "map") this.mergeMap(own, bases, merge, path);
    else this.mergeList(own, bases, merge, path);
  }

  private mergeNested(own: Node, bases: Node[], merge: Extract<Merge, { kind: "nested" }>, path: string): void {
    if (!isMap(own) || !bases.every(isMap)) throw new Refusal(`\`${path}\` is a mapping on one side only`, own);
    if (bases.some((base) => merge.replacedWhen?.(own, base))) return;
    const mine = new Map(this.model.resolver.entries(own).map((e) => [e.key, e]));
    const additions: Pair[] = [];
    const taken = new Set<string>();
    for (const base of bases as YAMLMap[]) {
      for (const entry of this.model.resolver.entries(base)) {
        if (taken.has(entry.key)) continue;
        taken.add(entry.key);
        const inner = merge.inner(entry.key);
        const others = bases.filter((b) => b !== base).map((b) => (b as YAMLMap).get(entry.key, true) as Node | null);
        const mineEntry = mine.get(entry.key);
        if (!mineEntry) {
          if (inner.kind !== "override" && others.some((o) => o != null)) {
            throw new Refusal(
              `\`${path}.${entry.key}\` is set by more than one base: write it out`,
              entry.pair.key as Node,
            );
          }
          additions.push(entry.pair);
          continue;
        }
        if (inner.kind === "override") continue;
        if (!isOwn(mineEntry)) {
          throw new Refusal(`\`${path}.${entry.key}\` comes from an anchor here`, mineEntry.pair.key as Node);
        }
        const values = bases.map((b) => this.model.resolver.get(b as YAMLMap, entry.key)?.value ?? null);
        this.merge(
          mineEntry.value,
          values.filter((v): v is Node => v !== null),
          inner,
          `${path}.${entry.key}`,
        );
      }
    }
    this.addPairs(own, additions, path);
  }

  private mergeMap(own: Node, bases: Node[], merge: Extract<Merge, { kind: "map" }>, path: string): void {
    if (isMap(own) && bases.every(isMap)) {
      const mine = new Set(this.model.resolver.entries(own).map((e) => e.key));
      const additions: Pair[] = [];
      for (const base of bases as YAMLMap[]) {
        for (const entry of this.model.resolver.entries(base)) {
          if (mine.has(entry.key)) {
            const empty = entry.value === null || (isMap(entry.value) && entry.value.items.length === 0);
            if (merge.same === "refuse-unless-empty" && !empty) {
              throw new Refusal(
                `\`${path}.${entry.key}\` is set on both sides: merge it by hand`,
                entry.pair.key as Node,
              );
            }
            continue;
          }
          mine.add(entry.key);
          additions.push(entry.pair);
        }
      }
      this.addPairs(own, additions, path);
      return;
    }
    if (isSeq(own) && bases.every(isSeq)) {
      this.mergeList(own, bases, { kind: "list", keyOf: merge.keyOf }, path);
      return;
    }
    throw new Refusal(`\`${path}\` is a list on one side and a mapping on the other: write it in one form`, own);
  }

  private mergeList(own: Node, bases: Node[], merge: Extract<Merge, { kind: "list" }>, path: string): void {
    if (!isSeq(own) || !bases.every(isSeq)) throw new Refusal(`\`${path}\` is a list on one side only`, own);
    const keyOf = merge.keyOf;
    const seen = new Set(keyOf ? own.items.map((item) => keyOf(item as Node)) : []);
    const items: Node[] = [];
    // The farthest base's items come first, as Compose lists them.
    for (const base of [...bases].reverse() as YAMLSeq[]) {
      for (const item of base.items as Node[]) {
        if (keyOf) {
          const key = keyOf(item);
          if (key === undefined) throw new Refusal(`an item of \`${path}\` is not one stackmod can compare`, item);
          if (seen.has(key)) continue;
          seen.add(key);
        }
        items.push(item);
      }
    }
    if (items.length === 0) return;
    const first = own.items[0] as Node | undefined;
    if (own.flow || !first) {
      const at = first ? nodeStart(this.source, first) : this.source.text.indexOf("[", own.range![0]) + 1;
      const texts = items.map((item) => this.flowText(item, path));
      this.copies.push({ key: path, into: own, start: at, end: at, text: texts.join(", ") + (first ? ", " : "") });
      return;
    }
    const dash = dashOffset(this.source, first)!;
    const column = this.source.indentAt(dash);
    const eol = this.source.eol;
    const text = items.map((item) => this.itemText(item, column) + eol).join("");
    const span = blockSpan(this.source, dash, dash);
    // Before a first item that shares its line with `: ` (`: - 80`), the new items go in after the indicator.
    const placed = span.afterIndicator ? text.slice(column) + " ".repeat(column) : text;
    this.copies.push({ key: path, into: own, start: span.start, end: span.start, text: placed });
  }

  private addPairs(own: YAMLMap, pairs: Pair[], path: string): void {
    if (pairs.length === 0) return;
    const last = own.items[own.items.length - 1]!;
    if (own.flow) {
      const at = ((last.value as Node | null) ?? (last.key as Node)).range![1];
      const texts = pairs.map((pair) => this.flowPairText(pair));
      this.copies.push({ key: path, into: own, start: at, end: at, text: texts.map((t) => `, ${t}`).join("") });
      return;
    }
    const column = this.source.indentAt(keyStart(this.source, own.items[0]!));
    const eol = this.source.eol;
    const at = blockEnd(this.source, (last.value as Node | null) ?? (last.key as Node));
    const text = pairs.map((pair) => this.pairText(pair, column) + eol).join("");
    this.copies.push({ key: path, into: own, start: at, end: at, text });
  }

  /** A pair as the base writes it, re-indented to `column`. */
  pairText(pair: Pair, column: number): string {
    this.assertCopyable(pair);
    const start = keyStart(this.source, pair);
    const value = (pair.value as Node | null) ?? (pair.key as Node);
    const flowParent = !this.source.text
      .slice(this.source.lineStart(start), start)
      .trim()
      .match(/^(-\s*)?$/);
    const end = flowParent ? value.range![1] : blockEnd(this.source, value);
    return this.reindent(start, end, column);
  }

  /** A list item as a block item (`- ...`) at `column`. */
  private itemText(item: Node, column: number): string {
    this.assertCopyable(item);
    const dash = dashOffset(this.source, item);
    if (dash === undefined) return " ".repeat(column) + "- " + this.flowText(item, "");
    return this.reindent(dash, blockEnd(this.source, item), column);
  }

  private flowText(item: Node, path: string): string {
    this.assertCopyable(item);
    const text = this.source.text.slice(nodeStart(this.source, item), item.range![1]);
    if (text.includes("\n") || (/[,[\]{}#]/.test(text) && !/^["'[{]/.test(text))) {
      throw new Refusal(`an item of \`${path}\` cannot be written on one line in a flow list`, item);
    }
    return text;
  }

  private flowPairText(pair: Pair): string {
    const text = this.pairText(pair, 0).trimStart();
    if (/[\n#]/.test(text))
      throw new Refusal("a key of the base cannot be written into a flow mapping", pair.key as Node);
    return text;
  }

  /** The text from `start` to `end`, its later lines moved from the start's column to `column`. */
  private reindent(start: number, end: number, column: number): string {
    const from = this.source.indentAt(start);
    const lines = this.source.text
      .slice(start, end)
      .replace(/\r?\n$/, "")
      .split(/\r?\n/);
    const moved = lines.map((line, index) => {
      if (index === 0) return " ".repeat(column) + line;
      if (line.trim() === "") return "";
      const indent = /^ */.exec(line)![0].length;
      if (indent < from) throw new Refusal("the base's text is indented in a way stackmod cannot move", undefined);
      return " ".repeat(column) + line.slice(from);
    });
    return moved.join(this.source.eol);
  }

  /** Copied text must not carry anchors, aliases or merge keys: a copy would share or redefine them. */
  private assertCopyable(node: Pair | Node): void {
    const bad = (found: Node) => {
      throw new Refusal(
        "the base's text uses anchors, aliases or merge keys, which a copy would share: write it out",
        found,
      );
    };
    const check = (n: unknown) => {
      if (isAlias(n)) bad(n);
      if (n && typeof n === "object" && "anchor" in n && (n as { anchor?: string }).anchor) bad(n as Node);
    };
    const nodes = isPair(node) ? [node.key, node.value] : [node];
    for (const n of nodes) {
      check(n);
      if (!n || typeof n !== "object") continue;
      visit(n as Node, {
        Node: (_, inner) => check(inner),
        Pair: (_, pair) => {
          if (isMergeKey(pair.key)) bad(pair.key as Node);
        },
      });
    }
  }

  /** A collection of the service's that other services share through an anchor is not merged into. */
  private assertOwn(own: Node, path: string): void {
    if ((own as { anchor?: string }).anchor) {
      throw new Refusal(
        `\`${path}\` here is the anchor &${(own as { anchor?: string }).anchor}; merging into it would ` +
          "change its other users",
        own,
      );
    }
  }
}
