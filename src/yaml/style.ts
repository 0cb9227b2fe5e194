import { isMap, isSeq, visit, type Node, type YAMLMap } from "yaml";
import type { SourceText } from "../text/source-text.js";
import type { RenderStyle } from "./render.js";

/** The indentation the file already uses, so inserted text looks like the rest. */
export function detectStyle(root: YAMLMap, source: SourceText): RenderStyle {
  let indent: number | undefined;
  let seqIndent: number | undefined;
  visit(root, {
    Pair(_, pair) {
      const keyNode = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!keyNode?.range || !value?.range || (value as { flow?: boolean }).flow) return undefined;
      const keyColumn = source.indentAt(keyNode.range[0]);
      if (isMap(value) && indent === undefined && value.items.length > 0 && !value.flow) {
        const firstKey = value.items[0]!.key as Node | null;
        if (firstKey?.range && onLaterLine(source, keyNode.range[0], firstKey.range[0])) {
          const step = source.indentAt(firstKey.range[0]) - keyColumn;
          if (step > 0) indent = step;
        }
      }
      if (isSeq(value) && seqIndent === undefined && value.items.length > 0) {
        const dash = dashOffset(source, value.items[0] as Node);
        if (dash !== undefined && onLaterLine(source, keyNode.range[0], dash)) {
          seqIndent = source.indentAt(dash) - keyColumn;
        }
      }
      return indent !== undefined && seqIndent !== undefined ? visit.BREAK : undefined;
    },
  });
  const unit = indent ?? 2;
  return { indent: unit, seqIndent: seqIndent ?? unit };
}

function onLaterLine(source: SourceText, a: number, b: number): boolean {
  return source.text.slice(a, b).includes("\n");
}

/** Offset of the `-` that introduces a block-list item. */
export function dashOffset(source: SourceText, item: Node): number | undefined {
  const start = item.range?.[0];
  if (start === undefined) return undefined;
  for (let i = start - 1; i >= 0; i -= 1) {
    const char = source.text[i];
    if (char === "-") return i;
    if (char !== " " && char !== "\n" && char !== "\r" && char !== "\t") return undefined;
  }
  return undefined;
}
