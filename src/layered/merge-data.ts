import { isDeepStrictEqual } from "node:util";
import { parseShortPort } from "../model/ports.js";
import type { Dialect } from "../model/types.js";

export type Data = Record<string, unknown>;

export function isData(value: unknown): value is Data {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The keys of a service's lists that docker merges item by item rather than appending, and what identifies
 * an item (docker/cli v28.2.2 cli/compose/loader/merge.go, mergeServices: `ports` by published port,
 * `secrets` and `configs` by source, `volumes` by target; `networks` is a mapping, merged by key).
 */
const keyedLists: Record<string, (item: unknown) => string> = {
  ports: (item) => String(publishedOf(item)),
  secrets: sourceOf,
  configs: sourceOf,
  volumes: volumeTargetOf,
};

/** The published port docker keys a `ports:` item by; 0 for none (docker's zero value: those replace each other). */
export function publishedOf(item: unknown): number {
  if (isData(item)) return Number(item.published ?? 0) || 0;
  return parseShortPort(String(item)).published ?? 0;
}

function sourceOf(item: unknown): string {
  return isData(item) ? String(item.source) : String(item);
}

function volumeTargetOf(item: unknown): string {
  if (isData(item)) return String(item.target);
  const parts = String(item).split(":");
  return parts.length === 1 ? parts[0]! : parts[1]!;
}

/** `networks:` as a mapping: a list's items are keys with no settings. */
export function networkMap(value: unknown): Map<string, unknown> {
  if (Array.isArray(value)) return new Map(value.map((key) => [String(key), null]));
  return new Map(isData(value) ? Object.entries(value) : []);
}

/** Keys whose value a later file replaces whole when it sets one (ShellCommand in merge.go), by path. */
export const replacedWhole: ReadonlySet<string> = new Set(["command", "entrypoint"]);

/** Lists docker reads as a mapping (`K=V` items): merged by key when one file writes a list and another a mapping. */
function asMapping(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return Object.fromEntries(
    value.map((item) => {
      const text = String(item);
      const at = text.indexOf("=");
      return at === -1 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}

/**
 * One service's data as docker merges it across `-c` files (mergo.Merge with WithAppendSlice and WithOverride,
 * and the transformers of merge.go): mappings key by key, the keyed lists above item by item, `networks` by key
 * (a later entry's settings replace an earlier one's when it has some), other lists appended, scalars replaced.
 */
function mergeServiceData(base: Data, over: Data, dialect: Dialect): Data {
  const result: Data = { ...base };
  // docker stack keys these lists whenever a later file writes the service, so that one file's own
  // `53:53/tcp` and `53:53/udp` become one entry (mergeSlice runs on the base's list too).
  for (const [key, keyOf] of Object.entries(dialect === "swarm" ? keyedLists : {})) {
    if (Array.isArray(base[key])) result[key] = mergeKeyed(base[key], [], keyOf);
  }
  for (const [key, value] of Object.entries(over)) {
    const before = result[key];
    if (value === null || value === undefined || before === undefined || before === null) {
      result[key] = value ?? before;
    } else if (key === "networks") {
      result[key] = mergeNetworks(before, value);
    } else if (key === "ports" && dialect === "compose" && Array.isArray(before) && Array.isArray(value)) {
      // docker-compose 1.29.2 keeps every distinct item of both files (merge_unique_ports).
      result[key] = [...before, ...value.filter((p) => !before.some((q) => isDeepStrictEqual(p, q)))];
    } else if (keyedLists[key] && Array.isArray(before) && Array.isArray(value)) {
      result[key] = mergeKeyed(before, value, keyedLists[key]);
    } else if (replacedWhole.has(key)) {
      result[key] = value;
    } else {
      result[key] = mergeValue(before, value);
    }
  }
  return result;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (over === null || over === undefined) return base;
  if (Array.isArray(base) !== Array.isArray(over) && (isData(base) || isData(over))) {
    return mergeValue(asMapping(base), asMapping(over));
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (!isData(base) || !isData(over)) return over;
  const result: Data = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = key in base ? mergeValue(base[key], value) : value;
  return result;
}

function mergeKeyed(base: unknown[], over: unknown[], keyOf: (item: unknown) => string): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const item of [...base, ...over]) byKey.set(keyOf(item), item);
  return [...byKey.values()];
}

function mergeNetworks(base: unknown, over: unknown): unknown {
  const merged = networkMap(base);
  for (const [key, value] of networkMap(over)) {
    if (!merged.has(key) || (value !== null && value !== undefined)) merged.set(key, value);
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...merged.keys()];
  return Object.fromEntries(merged);
}

/** The stack's data as docker merges its files: services by name, each top-level section by key, the rest deeply. */
export function mergeStackData(files: readonly Data[], dialect: Dialect): Data {
  const result: Data = {};
  for (const data of files) {
    for (const [key, value] of Object.entries(data)) {
      const before = result[key];
      if (key === "services" && isData(before) && isData(value)) {
        const services: Data = { ...before };
        for (const [name, body] of Object.entries(value)) {
          const earlier = services[name];
          services[name] =
            isData(earlier) && isData(body) ? mergeServiceData(earlier, body, dialect) : (body ?? earlier);
        }
        result[key] = services;
      } else if (["networks", "volumes", "secrets", "configs"].includes(key) && isData(before) && isData(value)) {
        // mergo.Map WithOverride: a later declaration replaces the earlier whole.
        result[key] = { ...before, ...value };
      } else {
        result[key] = before === undefined ? value : mergeValue(before, value);
      }
    }
  }
  return result;
}

/** Data compared as docker reads it: `networks:` as a mapping, keyed lists in key order. */
export function sameServiceData(a: Data, b: Data): boolean {
  return isDeepStrictEqual(normalised(a), normalised(b));
}

function normalised(data: Data): Data {
  const result: Data = { ...data };
  if (data.networks !== undefined) {
    const map = networkMap(data.networks);
    result.networks = Object.fromEntries([...map.keys()].sort().map((key) => [key, map.get(key) ?? null]));
  }
  for (const [key, keyOf] of Object.entries(keyedLists)) {
    const list = data[key];
    if (Array.isArray(list)) result[key] = [...list].sort((x, y) => keyOf(x).localeCompare(keyOf(y)));
  }
  return result;
}
