import { isCollection, isMap, isPair, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import type { SourceText } from "../parse/source-text.js";
import type { RenderStyle } from "./render.js";

/** The indentation the file already uses, so inserted text looks like the rest. */
export function detectStyle(root: YAMLMap, source: SourceText): RenderStyle {
  let indent: number | undefined;
  let seqIndent: number | undefined;
  // The pairs in yaml's `visit` order (depth first, a key before its value), without its frozen path per collection.
  const stack: unknown[] = [root];
  while (stack.length > 0 && (indent === undefined || seqIndent === undefined)) {
    const node = stack.pop();
    if (isCollection(node)) {
      for (let index = node.items.length - 1; index >= 0; index -= 1) stack.push(node.items[index]);
      continue;
    }
    if (!isPair(node)) continue;
    stack.push(node.value, node.key);
    const pair = node;
    const keyNode = pair.key as Node | null;
    const value = pair.value as Node | null;
    if (!keyNode?.range || !value?.range || (value as { flow?: boolean }).flow) continue;
    const keyColumn = source.indentAt(keyStart(source, pair));
    if (isMap(value) && indent === undefined && value.items.length > 0 && !value.flow) {
      const firstKey = value.items[0]!.key as Node | null;
      const firstStart = firstKey?.range ? keyStart(source, value.items[0]!) : undefined;
      if (firstStart !== undefined && onLaterLine(source, keyNode.range[0], firstStart)) {
        const step = source.indentAt(firstStart) - keyColumn;
        if (step > 0) indent = step;
      }
    }
    if (isSeq(value) && seqIndent === undefined && value.items.length > 0) {
      const dash = dashOffset(source, value.items[0] as Node);
      if (dash !== undefined && onLaterLine(source, keyNode.range[0], dash)) {
        seqIndent = source.indentAt(dash) - keyColumn;
      }
    }
  }
  const unit = indent ?? 2;
  return { indent: unit, seqIndent: seqIndent ?? unit };
}

function onLaterLine(source: SourceText, a: number, b: number): boolean {
  return source.text.slice(a, b).includes("\n");
}

/** Offset of the `-` that introduces a block-list item (before the item's tag and anchor). */
export function dashOffset(source: SourceText, item: Node): number | undefined {
  if (item.range?.[0] === undefined) return undefined;
  // `- &p target: 80`: the anchor is the first key's, written between the dash and the mapping's range.
  const first = isMap(item) && !item.flow ? item.items[0] : undefined;
  const start = first && isPair(first) ? keyStart(source, first) : nodeStart(source, item);
  for (let i = start - 1; i >= 0; i -= 1) {
    const char = source.text[i];
    if (char === "-") return i;
    if (char !== " " && char !== "\n" && char !== "\r" && char !== "\t") return undefined;
  }
  return undefined;
}

/** A token after which a node's properties may follow: an indicator, or a key with its colon. */
const opener = /^(?:-|\?|:|\[|\{|,|---)$|:$/;

/**
 * Properties written right after a flow indicator, with no space (`[!!str a`, `b,&p c`, `{!t k`):
 * the text after the last `[`, `{` or `,` that starts a tag or an anchor. A verbatim tag may hold
 * a comma itself (`[!<tag:yaml.org,2002:str> a]`), so an earlier indicator is tried when a later one fails.
 */
const afterFlowIndicator = /^(.*[[{,])([!&].*)$/;

/**
 * Where a node really starts: at its tag and anchor (`- !!str 9080:8080`, `- &p 80`,
 * `- &p # why\n  80`, `[a, !!str b]`, `[!!str a,&p b]`), which yaml leaves out of `range`.
 * yaml sets `tag` and `anchor` only for properties written in the file, so a node without
 * them starts at its range and one with them ends the search once all are found. Properties
 * are looked for on earlier lines only when an indicator (`-`, `?`, `:`, `key:`) comes before
 * them, so the last word of the previous value (`cmd: echo &x`) is never taken for one;
 * `acrossLines: false` for a key, whose properties are on its own line.
 */
export function nodeStart(source: SourceText, node: Node, acrossLines = true): number {
  const text = source.text;
  const start = node.range![0];
  let wanted = (node.tag === undefined ? 0 : 1) + (node.anchor === undefined ? 0 : 1);
  if (wanted === 0) return start;
  let sameLine = start;
  let across = start;
  let onOwnLine = true;
  let at = start;
  for (;;) {
    while (at > 0 && (text[at - 1] === " " || text[at - 1] === "\t")) at -= 1;
    if (at > 0 && text[at - 1] === "\n") {
      if (!acrossLines) return sameLine;
      const end = text[at - 2] === "\r" ? at - 2 : at - 1;
      const lineStart = source.lineStart(end);
      const comment = /(^|[ \t])#/.exec(text.slice(lineStart, end));
      at = comment ? lineStart + comment.index + comment[1]!.length : end;
      onOwnLine = false;
      continue;
    }
    let word = at;
    while (word > 0 && !/\s/.test(text[word - 1]!)) word -= 1;
    const token = text.slice(word, at);
    const inFlow = token.startsWith("!") || token.startsWith("&") ? undefined : afterFlowIndicator.exec(token);
    if (inFlow) word += inFlow[1]!.length;
    if (inFlow || token.startsWith("!") || token.startsWith("&")) {
      across = word;
      if (onOwnLine) sameLine = word;
      wanted -= 1;
      // Right after a flow indicator, nothing before it can be the node's.
      if (wanted === 0 || inFlow) return word;
      at = word;
      continue;
    }
    return token === "" || opener.test(token) ? across : sameLine;
  }
}

/** Where a pair starts: the `?` of an explicit key (`? ha`), else its key's tag, anchor or first character. */
export function keyStart(source: SourceText, pair: Pair): number {
  const key = pair.key as Node | null;
  if (!key?.range) return (pair.value as Node).range![0];
  const text = source.text;
  // A block key's tag and anchor are on its own line: `b: !t` above it is b's value.
  let at = nodeStart(source, key, false);
  let before = at;
  while (before > 0 && (text[before - 1] === " " || text[before - 1] === "\t")) before -= 1;
  // `? k` in a block, `{? k: v}` or `[a, ? k: v]` in flow.
  if (text[before - 1] === "?" && (before < 2 || /[\s[{,]/.test(text[before - 2]!))) at = before - 1;
  return at;
}

/**
 * What whole new lines replace of a block node that starts at `first` and ends at `end` (just after
 * its last line). Alone on its first line, the node's lines go from that line's start. When an
 * indicator shares that line (`: ` of an explicit key, `- ` of a list item, a BOM), the indicator
 * stays: the node's text goes from `first` to the end of its last line's text, keeping that line
 * end, and the new text's first line comes without its indentation.
 */
export function blockSpan(
  source: SourceText,
  first: number,
  end: number,
): { start: number; end: number; afterIndicator: boolean } {
  const text = source.text;
  const lineStart = source.lineStart(first);
  if (!/[^ \t]/.test(text.slice(lineStart, first))) return { start: lineStart, end, afterIndicator: false };
  let stop = end;
  if (text[stop - 1] === "\n") stop -= 1;
  if (text[stop - 1] === "\r") stop -= 1;
  return { start: first, end: Math.max(first, stop), afterIndicator: true };
}

/**
 * Offset just after the last line of a block node, including a comment on that
 * line but not the comment lines or blank lines that follow it.
 */
export function blockEnd(source: SourceText, node: Node): number {
  const [start, valueEnd, nodeEnd] = node.range!;
  const text = source.text;
  let end = text.slice(valueEnd, nodeEnd).includes("\n") ? valueEnd : nodeEnd;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) end -= 1;
  if (end > 0 && text[end - 1] === "\n") return end;
  return source.lineEnd(end);
}
