import { isDeepStrictEqual } from "node:util";
import { parseShortPort } from "./ports.js";
import type { Dialect } from "./types.js";

export type Data = Record<string, unknown>;

export function isData(value: unknown): value is Data {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The keys of a service's lists that docker merges item by item rather than appending, what identifies an item, and
 * the order docker writes them in (docker/cli v28.2.2 cli/compose/loader/merge.go, mergeServices: `ports` by
 * published port alone, so that `53:53/tcp` and `53:53/udp` are one item, and every port without a published one
 * another; `secrets` and `configs` by source, `volumes` by target; each sorted by that key).
 */
const keyedLists: Record<string, { keyOf: (item: unknown) => string | number }> = {
  ports: { keyOf: publishedOf },
  secrets: { keyOf: sourceOf },
  configs: { keyOf: sourceOf },
  volumes: { keyOf: volumeTargetOf },
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

/** Keys whose value a later file replaces whole when it sets a non-empty one (ShellCommand, mergeShellCommand). */
export const replacedWhole: ReadonlySet<string> = new Set(["command", "entrypoint"]);

/** Keys docker reads into a string list from a string or a list (StringList in cli/compose/types), then appends. */
const stringLists = new Set(["dns", "dns_search", "env_file", "tmpfs"]);

/**
 * Keys docker reads into a mapping from a mapping or a list of `K=V` items (MappingWithEquals, Mapping, Labels), so
 * that a later file's item replaces the earlier one of its key whichever syntax each file writes.
 */
const mappings = new Set(["environment", "labels", "sysctls"]);
const deployMappings = new Set(["labels"]);

/** `K=V` items as a mapping (`K` alone: null), as docker reads them. */
function asMapping(value: unknown): Data {
  if (!Array.isArray(value)) return isData(value) ? value : {};
  return Object.fromEntries(
    value.map((item) => {
      const text = String(item);
      const at = text.indexOf("=");
      return at === -1 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
    }),
  );
}

/**
 * A mapping key by key, from either syntax; a null in the later file keeps the earlier value (mergo leaves a key
 * whose new value is nil). Two lists stay a list.
 */
function mergeMapping(base: unknown, over: unknown): unknown {
  const merged: Data = { ...asMapping(base) };
  for (const [key, value] of Object.entries(asMapping(over))) {
    if (value !== null || !(key in merged)) merged[key] = value;
  }
  if (!Array.isArray(base) || !Array.isArray(over)) return merged;
  return Object.entries(merged).map(([key, value]) => (value === null ? key : `${key}=${String(value)}`));
}

/**
 * One service's data as docker merges it across `-c` files (mergo.Merge with WithAppendSlice and WithOverride,
 * and the transformers of merge.go): mappings key by key, the keyed lists above item by item, `networks` by key,
 * `logging` and `ulimits` as merge.go says, other lists appended, scalars replaced, a null never replacing.
 * docker-compose (the Compose dialect; 1.29.2, the Python v1) keeps every distinct item of `ports`
 * (merge_unique_ports) and does not re-key one file's own list.
 */
export function mergeServiceData(base: Data, over: Data, dialect: Dialect): Data {
  const result: Data = { ...base };
  // docker stack keys these lists whenever a later file writes the service, so that one file's own
  // `53:53/tcp` and `53:53/udp` become one entry (the transformer runs on the base's list too).
  if (dialect === "swarm") {
    for (const [key, { keyOf }] of Object.entries(keyedLists)) {
      if (Array.isArray(base[key])) result[key] = mergeKeyed(base[key], [], keyOf);
    }
  }
  for (const [key, value] of Object.entries(over)) {
    const before = result[key];
    if (value === null || value === undefined || before === undefined || before === null) {
      result[key] = value ?? before;
    } else if (key === "networks") {
      result[key] = dialect === "compose" ? mergeComposeNetworks(before, value) : mergeNetworks(before, value);
    } else if (key === "ports" && dialect === "compose" && Array.isArray(before) && Array.isArray(value)) {
      // docker-compose 1.29.2 keeps every distinct item of both files (merge_unique_ports).
      result[key] = [...before, ...value.filter((p) => !before.some((q) => isDeepStrictEqual(p, q)))];
    } else if (keyedLists[key] && Array.isArray(before) && Array.isArray(value)) {
      result[key] = mergeKeyed(before, value, keyedLists[key].keyOf);
    } else if (replacedWhole.has(key)) {
      if (!(Array.isArray(value) ? value.length === 0 : value === "")) result[key] = value;
    } else if (stringLists.has(key)) {
      result[key] = [...[before].flat(), ...[value].flat()];
    } else if (mappings.has(key)) {
      result[key] = mergeMapping(before, value);
    } else if (key === "logging" && isData(before) && isData(value)) {
      result[key] = mergeLogging(before, value);
    } else if (key === "ulimits" && isData(before) && isData(value)) {
      result[key] = { ...before, ...value };
    } else if (key === "deploy" && isData(before) && isData(value)) {
      const deploy = mergeValue(before, value) as Data;
      for (const sub of deployMappings) {
        if (before[sub] != null && value[sub] != null) deploy[sub] = mergeMapping(before[sub], value[sub]);
      }
      result[key] = deploy;
    } else {
      result[key] = mergeValue(before, value);
    }
  }
  return result;
}

/**
 * mergeLoggingConfig: with the same driver, or none in one file, the options merge key by key (and the driver is
 * the one given); another driver replaces the earlier logging whole.
 */
function mergeLogging(base: Data, over: Data): Data {
  const driver = (data: Data) => (typeof data.driver === "string" ? data.driver : "");
  if (driver(base) !== driver(over) && driver(base) !== "" && driver(over) !== "") return over;
  const result: Data = { ...base };
  if (driver(base) === "" && driver(over) !== "") result.driver = over.driver;
  if (isData(base.options) && isData(over.options)) result.options = { ...base.options, ...over.options };
  return result;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (over === null || over === undefined) return base;
  if (Array.isArray(base) && Array.isArray(over)) return [...base, ...over];
  if (!isData(base) || !isData(over)) return over;
  const result: Data = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = key in base ? mergeValue(base[key], value) : value;
  return result;
}

function mergeKeyed(base: unknown[], over: unknown[], keyOf: (item: unknown) => string | number): unknown[] {
  const byKey = new Map<string | number, unknown>();
  for (const item of [...base, ...over]) byKey.set(keyOf(item), item);
  // Go's sort of the keys (numbers as numbers, strings byte by byte).
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
}

/**
 * `networks:` by key (mergeServiceNetworkConfig): a later file's settings for a network the earlier file gives
 * settings too replace its `aliases` (none if it has none) and its addresses where it sets them; null settings
 * change nothing. Two lists stay a list.
 */
function mergeNetworks(base: unknown, over: unknown): unknown {
  const merged = networkMap(base);
  for (const [key, value] of networkMap(over)) {
    const before = merged.get(key);
    if (value === null || value === undefined) {
      if (!merged.has(key)) merged.set(key, value);
    } else if (isData(before) && isData(value)) {
      const settings: Data = { ...before };
      delete settings.aliases;
      if (value.aliases !== undefined) settings.aliases = value.aliases;
      for (const address of ["ipv4_address", "ipv6_address"]) {
        if (typeof value[address] === "string" && value[address] !== "") settings[address] = value[address];
      }
      merged.set(key, settings);
    } else {
      merged.set(key, value);
    }
  }
  if (Array.isArray(base) && Array.isArray(over)) return [...merged.keys()];
  return Object.fromEntries(merged);
}

/**
 * docker-compose 1.29.2's `merge_networks`: every network a mapping of the settings it merges (`aliases` and
 * `link_local_ips` the sorted distinct items of both, `priority` and the addresses the later file's, else the earlier
 * one's), nothing else.
 */
function mergeComposeNetworks(base: unknown, over: unknown): Data {
  const was = networkMap(base);
  const now = networkMap(over);
  const result: Data = {};
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const a = isData(was.get(key)) ? (was.get(key) as Data) : {};
    const b = isData(now.get(key)) ? (now.get(key) as Data) : {};
    const settings: Data = {};
    for (const field of ["aliases", "link_local_ips"]) {
      if (!(field in a) && !(field in b)) continue;
      const items = [a[field] ?? [], b[field] ?? []].flat().map(String);
      settings[field] = [...new Set(items)].sort();
    }
    for (const field of ["priority", "ipv4_address", "ipv6_address"]) {
      if (field in a || field in b) settings[field] = field in b ? b[field] : a[field];
    }
    result[key] = settings;
  }
  return result;
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
  for (const [key, { keyOf }] of Object.entries(keyedLists)) {
    const list = data[key];
    if (Array.isArray(list)) result[key] = [...list].sort((x, y) => String(keyOf(x)).localeCompare(String(keyOf(y))));
  }
  return result;
}
