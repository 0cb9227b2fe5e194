import { isPair, isScalar, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { TextEdits, type TextEdit } from "./text-edits.js";
import type { SourceText } from "../parse/source-text.js";
import { block, flow, listItem, mapEntry, type Plain, type RenderStyle } from "./render.js";
import { blockEnd, blockSpan, dashOffset, keyStart, nodeStart } from "./style.js";

/**
 * Edits a YAML file by splicing text at node ranges. Nothing is ever re-printed:
 * bytes outside the edited nodes stay as they were, and inserted text copies the
 * indentation of its neighbours and the file's line ends.
 */
export class YamlEditor {
  /** Private: every splice goes through the operations below, so that each passes the guard. */
  private readonly edits = new TextEdits();

  constructor(
    readonly source: SourceText,
    readonly style: RenderStyle,
  ) {}

  result(): string {
    return this.source.written(this.edits.apply(this.source.text));
  }

  /** The edits so far, in the order they were made (against the text as read). */
  list(): readonly TextEdit[] {
    return this.edits.list();
  }

  /** Takes back `old` and makes the edits of `fn` in their place and rank (see `TextEdits.redo`). */
  redo(old: readonly TextEdit[], fn: () => void): TextEdit[] {
    return this.edits.redo(old, fn);
  }

  /** Maps an offset of the output back to the text as read (see `TextEdits.backMap`). */
  backMap(): (offset: number) => number {
    return this.edits.backMap();
  }

  /** Called with every edit before it is recorded; it throws to refuse one (text that must not change). */
  set guard(guard: (start: number, end: number) => void) {
    this.edits.guard = guard;
  }

  /** Edits made inside `fn` go before those already at the same offset (see `TextEdits.ahead`). */
  ahead<T>(fn: () => T): T {
    return this.edits.ahead(fn);
  }

  /**
   * Replaces [start, end) of the text as read. For the operations `ServiceEdits` builds from
   * offsets it has worked out itself (a tag kept or dropped, text inside one scalar); guarded.
   */
  splice(start: number, end: number, text: string): void {
    this.edits.add(start, end, text);
  }

  /** Removes one item of a list or one pair of a mapping, block or flow. */
  remove(collection: YAMLSeq | YAMLMap, item: Node | Pair): void {
    const start = isPair(item) ? keyStart(this.source, item) : nodeStart(this.source, item);
    if (collection.flow) {
      const end = isPair(item) ? this.valueEnd(item) : item.range![1];
      this.removeFlowItem(start, end);
      return;
    }
    const first = isPair(item) ? start : (dashOffset(this.source, item) ?? start);
    const end = this.blockEnd(isPair(item) ? ((item.value as Node | null) ?? (item.key as Node)) : item);
    const lineStart = this.source.lineStart(first);
    if (/[^ \t]/.test(this.source.text.slice(lineStart, first))) {
      this.removeAfterIndicator(first, end);
      return;
    }
    this.edits.add(lineStart, end, "");
  }

  /**
   * The item shares its first line with the indicator that opens its collection
   * (`: hostnet:` under `? networks`, `- name: x` in a list of mappings). Taking its
   * whole lines would take the indicator too: the item's text goes, the indicator
   * stays on a line of its own, and the next items keep their lines and columns.
   */
  private removeAfterIndicator(first: number, end: number): void {
    const text = this.source.text;
    let start = first;
    while (start > 0 && (text[start - 1] === " " || text[start - 1] === "\t")) start -= 1;
    let stop = end;
    if (text[stop - 1] === "\n") stop -= 1;
    if (text[stop - 1] === "\r") stop -= 1;
    this.edits.add(start, stop, "");
  }

  /** Adds items at the end of a list, in its own style. */
  append(seq: YAMLSeq, values: Plain[]): void {
    this.growing(seq);
    const last = seq.items[seq.items.length - 1] as Node | undefined;
    if (seq.flow || !last) {
      const kept = this.lastKept(seq);
      const at = kept ? kept.range![1] : this.source.text.indexOf("[", seq.range![0]) + 1;
      this.edits.insert(at, (kept ? ", " : "") + values.map(flow).join(", "));
      return;
    }
    const column = this.source.indentAt(dashOffset(this.source, last) ?? last.range![0]);
    // Ahead of keys added to the mapping the list ends (a service's last key is `secrets:`,
    // split appends to it and adds `environment:` after it, at the same offset).
    this.edits.ahead(() =>
      this.insertLines(
        this.blockEnd(last),
        values.flatMap((value) => listItem(value, column, this.style)),
      ),
    );
  }

  /**
   * Replaces one item of a list by `values` where it stands, its tag and anchor with it. In a block
   * list a one-line item's comment stays on the first line of the new text, which goes on from the
   * next line; a string replacing a single-quoted scalar is single-quoted too, as the file wrote it.
   */
  replaceItem(seq: YAMLSeq, item: Node, values: Plain[]): void {
    const start = nodeStart(this.source, item);
    const end = item.range![1];
    const quoted = (value: Plain) => quotedLike(item, value);
    const dash = seq.flow ? undefined : dashOffset(this.source, item);
    if (dash === undefined) {
      // A flow list, or an item whose `-` is lines above it (after a comment): flow text in its place.
      this.edits.add(start, end, values.map(quoted).join(", "));
      return;
    }
    const column = this.source.indentAt(dash);
    const lines = values.flatMap((value) =>
      typeof value === "string" ? [`${" ".repeat(column)}- ${quoted(value)}`] : listItem(value, column, this.style),
    );
    const [first, ...rest] = lines;
    if (this.source.text.slice(dash, end).includes("\n")) {
      // Its lines are replaced, the first one's comment kept.
      lines[0] = first! + this.lineComment(dash);
      this.replaceLines(dash, this.blockEnd(item), column, lines);
      return;
    }
    this.edits.add(dash, end, first!.slice(column));
    if (rest.length > 0) this.edits.ahead(() => this.insertLines(this.blockEnd(item), rest));
  }

  /** Adds `key: value` at the end of a mapping. */
  addPair(map: YAMLMap, key: string, value: Plain): void {
    this.growing(map);
    const last = map.items[map.items.length - 1];
    if (map.flow || !last) {
      const at = last ? this.valueEnd(last) : this.source.text.indexOf("{", map.range![0]) + 1;
      this.edits.insert(at, `${last ? ", " : ""}${flow({ [key]: value })}`.replace(/^(, )?\{|\}$/g, "$1"));
      return;
    }
    const column = this.source.indentAt(keyStart(this.source, map.items[0]!));
    this.insertLines(
      this.blockEnd((last.value as Node | null) ?? (last.key as Node)),
      mapEntry(key, value, column, this.style),
    );
  }

  /** Adds pairs at the end of a mapping: one insertion in a flow mapping, one block entry each otherwise. */
  addPairs(map: YAMLMap, entries: [string, Plain][]): void {
    if (!map.flow) {
      for (const [key, value] of entries) this.addPair(map, key, value);
      return;
    }
    this.growing(map);
    const last = map.items[map.items.length - 1];
    const at = last ? this.valueEnd(last) : this.source.text.indexOf("{", map.range![0]) + 1;
    const pairs = entries.map(([key, value]) => flow({ [key]: value }).slice(1, -1)).join(", ");
    this.edits.insert(at, (last ? ", " : "") + pairs);
  }

  /** Adds pairs right after `pair` in its mapping `map` (a new service after the one it comes from). */
  addPairsAfter(map: YAMLMap | undefined, pair: Pair, entries: [string, Plain][]): void {
    if (map?.flow) {
      const pairs = entries.map(([key, value]) => flow({ [key]: value }).slice(1, -1));
      this.edits.insert(this.valueEnd(pair), pairs.map((text) => `, ${text}`).join(""));
      return;
    }
    const column = this.source.indentAt(keyStart(this.source, pair));
    const at = this.blockEnd((pair.value as Node | null) ?? (pair.key as Node));
    // Sticky, at `at`: slicing the rest of the text per insertion is quadratic on big files.
    const blank = /[ \t]*\r?\n/y;
    blank.lastIndex = at;
    const blankFollows = blank.test(this.source.text);
    const lines = entries.flatMap(([key, value]) => [
      ...(blankFollows ? [""] : []),
      ...mapEntry(key, value, column, this.style),
    ]);
    this.insertLines(at, lines);
  }

  /**
   * Writes a collection for a key written without a value (`deploy:`, `environment: # later`): in
   * a block mapping as lines under the key, so that the key's line and its comment stay; in a flow
   * mapping after its colon. Replacing the empty value itself would glue the new text to the colon
   * or to the comment.
   */
  fillEmpty(map: YAMLMap, pair: Pair, value: Plain[] | { [key: string]: Plain }): void {
    const empty = pair.value as Node;
    if (map.flow) {
      const at = empty.range![0];
      const spaced = /\s/.test(this.source.text[at - 1] ?? "");
      this.edits.add(at, empty.range![1], `${spaced ? "" : " "}${flow(value)}`);
      return;
    }
    const column = this.source.indentAt(keyStart(this.source, pair));
    const childColumn = column + (Array.isArray(value) ? this.style.seqIndent : this.style.indent);
    this.insertLines(this.source.lineEnd(empty.range![0]), block(value, childColumn, this.style));
  }

  /** Replaces a node (an alias, a scalar, a flow collection) with a value written in flow style. */
  replaceWithFlow(node: Node, value: Plain): void {
    const [start, end] = node.range!;
    // An empty value after its anchor or tag (`deploy: &d  # later`) is placed where its comment starts.
    const glued = start === end && /\S/.test(this.source.text[end] ?? "");
    this.edits.add(start, end, flow(value) + (glued ? " " : ""));
  }

  /** Takes off the tag written on a node (`!!seq` on a list that becomes a mapping); its anchor stays. */
  dropTag(node: Node): void {
    if (node.tag === undefined) return;
    const tag = /![^\s]*[ \t]*/g;
    tag.lastIndex = nodeStart(this.source, node);
    const found = tag.exec(this.source.text);
    if (!found || found.index >= node.range![0]) return;
    this.edits.add(found.index, found.index + found[0].length, "");
  }

  /**
   * Replaces a whole pair (key and value) with new entries at the same place, in block style. A comment
   * on the key's own line (`ports: [80]  # why`, `ports: # why`) stays on it: it is about the key.
   */
  replacePair(map: YAMLMap, pair: Pair, key: string, value: Plain): void {
    if (map.flow) {
      this.edits.add(keyStart(this.source, pair), this.valueEnd(pair), flow({ [key]: value }).slice(1, -1));
      return;
    }
    const first = keyStart(this.source, pair);
    const column = this.source.indentAt(first);
    const end = this.blockEnd((pair.value as Node | null) ?? (pair.key as Node));
    const lines = mapEntry(key, value, column, this.style);
    lines[0] += this.lineComment(first);
    this.replaceLines(first, end, column, lines);
  }

  /**
   * Replaces a block list item, from its dash to the end of its last line, by the mapping entry
   * `key: value` at `column` (a list of networks becoming a mapping), its first line's comment kept.
   */
  replaceItemByEntry(item: Node, key: string, value: Plain, column: number): void {
    const dash = dashOffset(this.source, item) ?? item.range![0];
    const lines = block({ [key]: value }, column, this.style);
    lines[0] += this.lineComment(dash);
    this.replaceLines(dash, this.blockEnd(item), column, lines);
  }

  /**
   * Replaces the lines of a block node that starts at `first` and ends at `end` by `lines`, which
   * start at `column`; an indicator before `first` on its line (`- `, `: `) stays (see `blockSpan`).
   */
  private replaceLines(first: number, end: number, column: number, lines: string[]): void {
    const { eol } = this.source;
    const span = blockSpan(this.source, first, end);
    if (span.afterIndicator) {
      lines[0] = lines[0]!.slice(column);
      this.edits.add(span.start, span.end, lines.join(eol));
      return;
    }
    this.edits.add(span.start, span.end, lines.join(eol) + eol);
  }

  /** The comment that ends the line holding `offset`, after it, with the blanks before it (`  # why`); "" if none. */
  private lineComment(offset: number): string {
    const text = this.source.text;
    const lineStart = this.source.lineStart(offset);
    let lineEnd = this.source.lineEnd(offset) - 1;
    if (text[lineEnd - 1] === "\r") lineEnd -= 1;
    const line = text.slice(lineStart, lineEnd);
    const at = commentStart(line);
    if (at < offset - lineStart) return "";
    let blanks = at;
    while (blanks > 0 && (line[blanks - 1] === " " || line[blanks - 1] === "\t")) blanks -= 1;
    return line.slice(blanks);
  }

  /** Block rendering helper for transforms that build larger text. */
  render(value: Plain, column: number): string[] {
    return block(value, column, this.style);
  }

  /**
   * Offset just after the last line of a block node, including a comment on that
   * line but not the comment lines or blank lines that follow it.
   */
  blockEnd(node: Node): number {
    return blockEnd(this.source, node);
  }

  /**
   * Text added at the end of a collection lands after its last byte, where an edit
   * guard cannot tell it from text added after the collection: the guard is asked
   * about the collection's own first byte instead.
   */
  private growing(collection: YAMLSeq | YAMLMap): void {
    const start = collection.range?.[0];
    if (start !== undefined) this.edits.guard?.(start, start + 1);
  }

  private valueEnd(pair: Pair): number {
    const node = (pair.value as Node | null) ?? (pair.key as Node);
    return node.range![1];
  }

  /** Inserts whole lines at a line start, with the file's line ends. */
  insertLines(at: number, lines: string[]): void {
    const { eol } = this.source;
    this.edits.insert(at, lines.join(eol) + eol);
  }

  private removeFlowItem(start: number, end: number): void {
    const text = this.source.text;
    let after = end;
    while (/\s/.test(text[after] ?? "")) after += 1;
    if (text[after] === ",") {
      after += 1;
      while (/[ \t]/.test(text[after] ?? "")) after += 1;
      this.edits.add(start, after, "");
      return;
    }
    // The items just before may be going too (each took its following comma): the comma to take is the one before them.
    let head = start;
    for (let previous = this.removalEndingAt(head); previous; previous = this.removalEndingAt(head))
      head = previous.start;
    let before = head;
    let overComment = false;
    for (;;) {
      while (before > 0 && /\s/.test(text[before - 1]!)) before -= 1;
      const lineStart = before > 0 ? this.source.lineStart(before - 1) : 0;
      const comment = commentStart(text.slice(lineStart, before));
      if (comment < 0) break;
      before = lineStart + comment;
      overComment = true;
    }
    if (text[before - 1] === "," && overComment) {
      // `b, # why\n  c`: the comment is b's and stays; only the comma goes with c.
      this.edits.add(before - 1, before, "");
      this.edits.add(start, end, "");
      return;
    }
    if (text[before - 1] === ",") {
      if (head !== start) this.edits.add(before - 1, head, "");
      this.edits.add(head === start ? before - 1 : start, end, "");
      return;
    }
    this.edits.add(start, end, "");
  }

  /**
   * The last item of a flow list that no edit removes. New items go after it: after a removed one
   * they would land inside the text it leaves (its comma, or a comment behind it).
   */
  private lastKept(seq: YAMLSeq): Node | undefined {
    const removals = this.edits.list().filter((edit) => edit.text === "");
    for (let index = seq.items.length - 1; index >= 0; index -= 1) {
      const item = seq.items[index] as Node;
      const [start, end] = item.range!;
      if (!removals.some((edit) => edit.start <= start && end <= edit.end)) return item;
    }
    return undefined;
  }

  private removalEndingAt(offset: number): TextEdit | undefined {
    return this.edits.list().find((edit) => edit.text === "" && edit.end === offset && edit.start < offset);
  }
}

/** `value` in flow style; a string that replaces a single-quoted scalar keeps single quotes where it can. */
function quotedLike(item: Node, value: Plain): string {
  const single = isScalar(item) && item.type === "QUOTE_SINGLE";
  if (typeof value !== "string" || !single || !/^[\x20-\x26\x28-\x7e]*$/.test(value)) return flow(value);
  return `'${value}'`;
}

/** A quote after one of these starts a quoted scalar; elsewhere (`don't`) it is part of a plain one. */
function opensToken(char: string): boolean {
  return /[\s[{,:]/.test(char);
}

/** Where a comment starts in one line of YAML (a `#` after a blank, outside quotes); -1 for none. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index]!;
    if (quote === '"' && char === "\\") index += 1;
    // `''` inside single quotes is one quote, not the end of the scalar.
    else if (quote === "'" && char === "'" && line[index + 1] === "'") index += 1;
    else if (quote !== undefined && char === quote) quote = undefined;
    else if (quote === undefined && (char === '"' || char === "'") && (index === 0 || opensToken(line[index - 1]!)))
      quote = char;
    else if (quote === undefined && char === "#" && (index === 0 || /[ \t]/.test(line[index - 1]!))) return index;
  }
  return -1;
}
