import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import type { StackModel } from "../model/types.js";
import { isOwn } from "../parse/resolve.js";
import type { Evidence } from "./types.js";

/** One scalar of a service's settings, with where it is and whether it may be edited in place. */
export interface ScalarAt {
  /** `environment.MQTT_URL`, `command[2]`. */
  path: string;
  /** The map key above it, or the item's index. */
  key: string;
  value: string;
  node: Node;
  /** Written in the service itself: not reached through an alias or a merge key. */
  local: boolean;
}

/** The scalars under `key` of a service (a scalar, a list, or a mapping, any depth), aliases and merges followed. */
export function scalarsUnder(model: StackModel, map: YAMLMap, key: string): ScalarAt[] {
  const entry = model.resolver.get(map, key);
  if (!entry) return [];
  const out: ScalarAt[] = [];
  walk(model, entry.value, key, key, isOwn(entry), out, 0);
  return out;
}

function walk(
  model: StackModel,
  node: Node | null,
  path: string,
  key: string,
  local: boolean,
  out: ScalarAt[],
  depth: number,
) {
  if (node === null || depth > 16) return;
  if (isScalar(node)) {
    if (node.value === null || node.value === undefined) return;
    out.push({ path, key, value: String(node.value), node, local });
    return;
  }
  if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const target = model.resolver.deref(item);
      const viaAlias = target !== item;
      walk(model, target, `${path}[${index}]`, String(index), local && !viaAlias, out, depth + 1);
    });
    return;
  }
  if (isMap(node)) {
    for (const entry of model.resolver.entries(node)) {
      const own = local && isOwn(entry);
      walk(model, entry.value, `${path}.${entry.key}`, entry.key, own, out, depth + 1);
    }
  }
}

export function evidenceOf(model: StackModel, at: { path: string; node: Node }, text: string): Evidence {
  return { path: at.path, text, position: model.positionOf(at.node) };
}

/** `KEY=value` list items of `environment:` split like Compose splits them. */
export function environmentValue(at: ScalarAt): { name: string; value: string } {
  if (/^environment\[\d+\]$/.test(at.path)) {
    const eq = at.value.indexOf("=");
    return eq === -1 ? { name: at.value, value: "" } : { name: at.value.slice(0, eq), value: at.value.slice(eq + 1) };
  }
  return { name: at.key, value: at.value };
}
