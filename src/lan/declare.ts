import { isMap, isSeq, type Node } from "yaml";
import type { ServiceEdits } from "../service-edits.js";
import { flow, scalar, type Plain } from "../yaml/render.js";

/**
 * Adds the network to the top-level `networks:`. Where every declaration there is
 * a one-line flow mapping (`backend: {driver: overlay}`) and the new one is flat
 * (`{external: true}`), it is written the same way; a nested definition (Compose's
 * `ipam:`) stays in block style, as the editor writes new keys.
 */
export function declareNetworkInStyle(edits: ServiceEdits, key: string, body: Plain): void {
  const entry = edits.model.networksEntry;
  const map = entry?.value;
  const flat = body !== null && typeof body === "object" && Object.values(body).every((v) => v === null || typeof v !== "object");
  const flowStyle =
    flat && entry?.local && !entry.viaAlias && isMap(map) && !map.flow && map.items.length > 0 &&
    map.items.every((pair) => (isMap(pair.value) || isSeq(pair.value)) && pair.value.flow);
  if (!flowStyle) {
    edits.declareNetwork(key, body);
    return;
  }
  const { source } = edits.editor;
  const items = (map as { items: { key: unknown; value: unknown }[] }).items;
  const column = source.indentAt((items[0]!.key as Node).range![0]);
  const at = edits.editor.blockEnd(items[items.length - 1]!.value as Node);
  const line = `${" ".repeat(column)}${scalar(key)}: ${flow(body)}`;
  const atEofWithoutNewline = at === source.text.length && !source.text.endsWith("\n");
  edits.editor.edits.insert(at, atEofWithoutNewline ? source.eol + line : line + source.eol);
}
