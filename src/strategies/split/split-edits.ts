import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import type { Attachment, ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";
import { flow, scalar, type Plain } from "../../edit/render.js";
import { dashOffset, nodeStart } from "../../edit/style.js";

/**
 * Edits the split strategy makes to the service it renames in place: each one
 * touches only its own key, in the form the file already uses.
 */

/** Renames the service's key; its body, comments and anchors stay where they are. */
export function renameService(edits: ServiceEdits, service: ServiceModel, name: string): void {
  const key = service.pair.key as Node;
  edits.editor.edits.add(key.range![0], key.range![1], scalar(name));
  edits.renamed.set(name, service.name);
}

export type EnvVar = [name: string, value: string];

/** The names a list (`A=b`, `A`) or a map sets: environment variables, `depends_on` services, `links`. */
export function namesIn(value: unknown): Set<string> {
  if (Array.isArray(value)) return new Set(value.map((item) => String(item).split("=")[0]!));
  if (value && typeof value === "object") return new Set(Object.keys(value));
  return new Set();
}

/** The service's environment with `vars` added, in its own form (a map when it has none). */
export function environmentWith(value: unknown, vars: EnvVar[]): Plain {
  if (Array.isArray(value)) return [...(value as Plain[]), ...vars.map(([k, v]) => `${k}=${v}`)];
  return { ...((value ?? {}) as Record<string, Plain>), ...Object.fromEntries(vars) };
}

/** Adds variables to the service's `environment:`, list or map, local or merged in. */
export function addEnvironment(edits: ServiceEdits, service: ServiceModel, vars: EnvVar[]): void {
  const entry = edits.model.resolver.get(service.map, "environment");
  if (!entry || entry.value === null || (isScalar(entry.value) && entry.value.value === null)) {
    if (entry?.local)
      edits.editor.replacePair(service.map, entry.pair, "environment", environmentWith(undefined, vars));
    else edits.editor.addPair(service.map, "environment", environmentWith(undefined, vars));
    return;
  }
  if (isSeq(entry.value)) {
    edits.appendToList(
      service,
      "environment",
      vars.map(([k, v]) => `${k}=${v}`),
    );
    return;
  }
  if (entry.local && !entry.viaAlias && isMap(entry.value)) {
    for (const [k, v] of vars) edits.editor.addPair(entry.value, k, v);
    return;
  }
  overrideKey(edits, service, "environment", environmentWith(service.data.environment, vars));
}

/** Sets a key to a new value: replaced where it is written, added where it is absent or merged in. */
export function setKey(edits: ServiceEdits, service: ServiceModel, key: string, value: Plain): void {
  const entry = edits.model.resolver.get(service.map, key);
  if (entry?.local) edits.editor.replacePair(service.map, entry.pair, key, value);
  else edits.editor.addPair(service.map, key, value);
}

/**
 * Sets `deploy.placement.constraints` (or another path under a key of the service): each mapping on
 * the way that the service writes itself is edited in place, key by key; one that comes from an
 * anchor or a merge key stays as it is and the service gets its own copy with the new value.
 */
export function setNested(edits: ServiceEdits, service: ServiceModel, path: string[], value: Plain): void {
  setIn(edits, service.map, path, value, service.data);
}

function setIn(edits: ServiceEdits, map: YAMLMap, path: string[], value: Plain, resolved: unknown): void {
  const [key, ...rest] = path as [string, ...string[]];
  const entry = edits.model.resolver.get(map, key);
  const below = isPlainMap(resolved) ? resolved[key] : undefined;
  if (rest.length > 0 && entry?.local && !entry.viaAlias && isMap(entry.value)) {
    setIn(edits, entry.value, rest, value, below);
    return;
  }
  const written = rest.length === 0 ? value : withPath(below, rest, value);
  if (entry?.local) edits.editor.replacePair(map, entry.pair, key, written);
  else edits.editor.addPair(map, key, written);
}

/** `base` (a resolved mapping, or nothing) with `value` at `path`. */
function withPath(base: unknown, path: string[], value: Plain): Plain {
  const [key, ...rest] = path as [string, ...string[]];
  const copy: Record<string, Plain> = isPlainMap(base) ? { ...(base as Record<string, Plain>) } : {};
  copy[key] = rest.length === 0 ? value : withPath(copy[key], rest, value);
  return copy;
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Leaves only `keep` in the service's networks, each with `alias` among its
 * aliases, so that other services still reach it by its old name. Written in
 * place item by item (a list becomes a mapping), so that a `none` item another
 * fix removes and the comments between items stay untouched.
 */
export function keepNetworksWithAlias(
  edits: ServiceEdits,
  service: ServiceModel,
  keep: Attachment[],
  alias: string,
): void {
  const entry = service.networks;
  const collection = entry?.value;
  if (entry && keep.length === 0) {
    // Only the host network (and none) was there: the processor is left on the default network.
    edits.removeKey(service, "networks");
    return;
  }
  if (!entry || !entry.local || entry.viaAlias || !(isSeq(collection) || isMap(collection))) {
    setKey(edits, service, "networks", networksWithAlias(service, keep, alias));
    return;
  }
  const { editor } = edits;
  const kept = new Set(keep);
  // `none` is removed by its own fix, which runs before any strategy.
  for (const attachment of service.attachments) {
    if (!kept.has(attachment) && attachment.network?.special !== "none") editor.remove(collection, attachment.item);
  }
  const wanted = networksWithAlias(service, keep, alias);
  if (isSeq(collection)) {
    const source = editor.source;
    if (collection.flow) {
      const [open, close] = [collection.range![0], collection.range![1]];
      editor.edits.add(open, open + 1, "{");
      editor.edits.add(close - 1, close, "}");
      for (const attachment of keep) {
        const node = attachment.item as Node;
        // From its tag and anchor on: `!!merge backend` as a key would be a merge key.
        editor.edits.add(
          nodeStart(source, node),
          node.range![1],
          flow({ [attachment.key]: wanted[attachment.key]! }).slice(1, -1),
        );
      }
      return;
    }
    for (const attachment of keep) {
      const node = attachment.item as Node;
      const dash = dashOffset(source, node) ?? node.range![0];
      const lines = editor.render({ [attachment.key]: wanted[attachment.key]! }, source.indentAt(dash));
      editor.edits.add(source.lineStart(dash), editor.blockEnd(node), lines.join(source.eol) + source.eol);
    }
    return;
  }
  for (const attachment of keep) {
    const pair = attachment.item as Pair;
    const config = pair.value as Node | null;
    const aliases = isMap(config) ? edits.model.resolver.get(config, "aliases") : undefined;
    if (isMap(config) && !aliases) editor.addPair(config, "aliases", [alias]);
    else if (isMap(config) && aliases?.local && !aliases.viaAlias && isSeq(aliases.value)) {
      if (!aliases.value.items.some((item) => isScalar(item) && String(item.value) === alias))
        editor.append(aliases.value, [alias]);
    } else editor.replacePair(collection, pair, attachment.key, wanted[attachment.key]!);
  }
}

function networksWithAlias(service: ServiceModel, keep: Attachment[], alias: string): Record<string, Plain> {
  const data = service.data.networks;
  const configs = !Array.isArray(data) && data && typeof data === "object" ? (data as Record<string, Plain>) : {};
  const networks: Record<string, Plain> = {};
  for (const attachment of keep) {
    const config = (configs[attachment.key] ?? {}) as Record<string, Plain>;
    const aliases = Array.isArray(config.aliases) ? config.aliases.map(String) : [];
    networks[attachment.key] = { ...config, aliases: [...new Set([...aliases, alias])] };
  }
  return networks;
}

/**
 * Points other services at the renamed service: `depends_on` (Compose refuses a
 * dangling one) and `links` (`NAME` and `NAME:ALIAS`; the link keeps the old name as
 * its alias, so the linking service still finds it by that name).
 */
export function renameReferences(edits: ServiceEdits, from: string, to: string): void {
  renameEntries(edits, "depends_on", (name) => (name === from ? to : undefined));
  renameEntries(edits, "links", (link) => {
    const [name, alias] = link.split(":");
    return name === from ? `${to}:${alias ?? from}` : undefined;
  });
}

/** Renames the entries of `key` (a list, or a map's keys) in every service, where `rename` gives a new one. */
function renameEntries(edits: ServiceEdits, key: string, rename: (entry: string) => string | undefined): void {
  for (const other of edits.model.services) {
    const entry = edits.model.resolver.get(other.map, key);
    const data = other.data[key] as Plain;
    if (!entry || ![...namesIn(data)].some((name) => rename(name) !== undefined)) continue;
    edits.followed.set(other.name, new Set([...(edits.followed.get(other.name) ?? []), key]));
    const collection = entry.value;
    if (!entry.local || entry.viaAlias || !(isSeq(collection) || isMap(collection))) {
      const renamed = Array.isArray(data)
        ? data.map((item) => rename(String(item)) ?? item)
        : Object.fromEntries(Object.entries(data as Record<string, Plain>).map(([k, v]) => [rename(k) ?? k, v]));
      overrideKey(edits, other, key, renamed);
      continue;
    }
    const items = isSeq(collection) ? collection.items : collection.items.map((pair) => pair.key);
    for (const item of items) {
      const renamed = isScalar(item) ? rename(String(item.value)) : undefined;
      if (renamed !== undefined)
        edits.editor.edits.add((item as Node).range![0], (item as Node).range![1], scalar(renamed));
    }
  }
}

function overrideKey(edits: ServiceEdits, service: ServiceModel, key: string, value: Plain): void {
  const entry = edits.model.resolver.get(service.map, key);
  if (entry?.local && entry.viaAlias) edits.editor.replaceWithFlow(entry.pair.value as Node, value);
  else edits.editor.addPair(service.map, key, value);
}
