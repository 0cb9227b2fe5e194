import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { splitShortPort } from "../../model/ports.js";
import { isMergeKey, isOwn } from "../../parse/resolve.js";
import type { PortEntry } from "../../model/types.js";
import type { Plain } from "../../edit/render.js";
import type { PortRequest, TransformContext } from "../strategy.js";

/** Where the published ports are bound in Compose ("" for every address); Swarm binds every address. */
interface Target {
  compose: boolean;
  hostIp: string;
}

/**
 * What becomes of one of the service's own `ports:` entries once it is off the host network, where
 * they take effect: `keep` (it publishes a wanted port at its own number, as wanted), `fix` (it is
 * the entry for wanted ports but written otherwise: changed where it stands), or `remove` (no port
 * it receives, or a second entry for one, which would publish something new).
 */
type Verdict = { entry: PortEntry; kind: "keep" | "remove" } | { entry: PortEntry; kind: "fix"; ports: PortRequest[] };

/** What `writePorts` does to the service's `ports:`, decided (and its host ports claimed) before any edit. */
export interface PortsPlan {
  verdicts: Verdict[];
  fresh: Plain[];
  /** The list is written in the service (not an alias, a merge) and keeps an entry: edited item by item. */
  inPlace: boolean;
  changed: PortEntry[];
  removed: PortEntry[];
}

/**
 * Decides how the service's `ports:` come to publish exactly `wanted`, each at its own number:
 * entries already right stay byte for byte, the others are changed or removed where they stand,
 * and wanted ports no entry names are added after the last one. Claims the host ports it publishes.
 */
export function planPorts(ctx: TransformContext<{ hostIp: string }>, wanted: Map<string, PortRequest>): PortsPlan {
  const { service, edits } = ctx;
  const target = targetOf(ctx);
  const verdicts = judge(ctx, service.ports, wanted, target);
  const changed = verdicts.filter((v) => v.kind === "fix").map((v) => v.entry);
  const removed = verdicts.filter((v) => v.kind === "remove").map((v) => v.entry);
  edits.releasePublishedPorts(service, [...changed, ...removed]);
  const named = new Set(verdicts.flatMap((v) => (v.kind === "keep" ? keysOf(v.entry) : [])));
  for (const verdict of verdicts) {
    if (verdict.kind !== "fix") continue;
    for (const port of verdict.ports) {
      named.add(keyOf(port));
      edits.claimPublishedPort(port.target, port.protocol, service);
    }
  }
  const fresh = [...wanted.values()].filter((port) => !named.has(keyOf(port)));
  for (const port of fresh) edits.claimPublishedPort(port.target, port.protocol, service);
  const own = ctx.model.resolver.get(service.map, "ports");
  const inPlace = isOwn(own) && isSeq(own.value) && (verdicts.some((v) => v.kind !== "remove") || fresh.length === 0);
  return { verdicts, fresh: fresh.map((port) => entryOf(port, target)), inPlace, changed, removed };
}

function targetOf(ctx: TransformContext<{ hostIp: string }>): Target {
  return { compose: ctx.model.dialect === "compose", hostIp: ctx.options.hostIp };
}

function judge(
  ctx: TransformContext<{ hostIp: string }>,
  ports: PortEntry[],
  wanted: Map<string, PortRequest>,
  target: Target,
): Verdict[] {
  const taken = new Set<string>();
  return ports.map((entry): Verdict => {
    const keys = keysOf(entry);
    if (keys.length === 0 || keys.some((key) => !wanted.has(key) || taken.has(key))) return { entry, kind: "remove" };
    for (const key of keys) taken.add(key);
    if (isRight(ctx, entry, target)) return { entry, kind: "keep" };
    return { entry, kind: "fix", ports: keys.map((key) => wanted.get(key)!) };
  });
}

/** Edits the own list in place; a list from an anchor or a merge key gets the service's own copy. */
export function writePorts(ctx: TransformContext<{ hostIp: string }>, plan: PortsPlan): void {
  const { service, edits } = ctx;
  const { verdicts, fresh } = plan;
  const target = targetOf(ctx);
  if (!plan.inPlace) {
    if (verdicts.length === 0 && fresh.length > 0) edits.appendToList(service, "ports", fresh);
    else if (verdicts.length > 0) edits.replaceList(service, "ports", [...wholeList(ctx, verdicts, target), ...fresh]);
    return;
  }
  for (const verdict of verdicts) {
    if (verdict.kind !== "fix") continue;
    const item = verdict.entry.node;
    const fields = isMap(item) ? fieldsToFix(ctx, verdict.entry, item, target) : undefined;
    if (fields) edits.setItemFields(service, "ports", item as YAMLMap, fields);
    else edits.replaceListItem(service, "ports", item, entriesOf(verdict.ports, target));
  }
  const removed = verdicts.filter((v) => v.kind === "remove").map((v) => v.entry.node);
  if (removed.length > 0) edits.removeFromList(service, "ports", removed);
  if (fresh.length > 0) edits.appendToList(service, "ports", fresh);
}

/** The list the service gets where it cannot be edited in place: what it resolves to, rewritten. */
function wholeList(ctx: TransformContext<{ hostIp: string }>, verdicts: Verdict[], target: Target): Plain[] {
  const data = (ctx.service.data.ports ?? []) as Plain[];
  return verdicts.flatMap((verdict, index) => {
    if (verdict.kind === "fix") return entriesOf(verdict.ports, target);
    return verdict.kind === "keep" ? [data[index]!] : [];
  });
}

/** A long entry the service writes itself keeps its fields and comments: only the wrong ones change. */
function fieldsToFix(
  ctx: TransformContext<{ hostIp: string }>,
  entry: PortEntry,
  item: YAMLMap,
  target: Target,
): Record<string, Plain | undefined> | undefined {
  if (!isOwnMap(item) || entry.target === undefined) return undefined;
  const fields: Record<string, Plain | undefined> = {};
  if (entry.published !== entry.target) fields.published = entry.target;
  if (!target.compose && entry.mode !== "host") fields.mode = "host";
  if (target.compose && hostIpText(ctx, entry) !== target.hostIp) fields.host_ip = target.hostIp || undefined;
  return fields;
}

/** A mapping written right there: no merge key in it, whose fields would come from elsewhere. */
function isOwnMap(item: YAMLMap): boolean {
  return item.items.every((pair) => !isMergeKey(pair.key));
}

function isRight(ctx: TransformContext<{ hostIp: string }>, entry: PortEntry, target: Target): boolean {
  if (!target.compose) return entry.raw === undefined && entry.mode === "host" && entry.published === entry.target;
  if (entry.raw === undefined) return entry.published === entry.target && hostIpText(ctx, entry) === target.hostIp;
  const { published, target: to } = splitShortPort(entry.raw);
  const same = published !== undefined && published.trim() === to.trim();
  return same && hostIpText(ctx, entry) === target.hostIp;
}

/** The host address as written (`127.0.0.1:53:53`, `host_ip:`), "" where none is: 0.0.0.0 is IPv4 only. */
function hostIpText(ctx: TransformContext<{ hostIp: string }>, entry: PortEntry): string {
  if (entry.raw !== undefined) return splitShortPort(entry.raw).hostIp ?? "";
  const node = ctx.model.resolver.deref(entry.node) ?? entry.node;
  const value = isMap(node) ? ctx.model.resolver.get(node, "host_ip")?.value : undefined;
  return isScalar(value) && value.value !== null ? String(value.value).trim() : "";
}

/** The ports an entry publishes, `PORT/PROTO`: each port of a range (`10000-10002:10000-10002/udp`). */
function keysOf(entry: PortEntry): string[] {
  if (entry.target === undefined) return [];
  const end = entry.raw === undefined ? undefined : /^\s*\d+-(\d+)\s*$/.exec(splitShortPort(entry.raw).target)?.[1];
  const keys: string[] = [];
  for (let port = entry.target; port <= Number(end ?? entry.target); port += 1) keys.push(`${port}/${entry.protocol}`);
  return keys;
}

function keyOf(port: PortRequest): string {
  return `${port.target}/${port.protocol}`;
}

/** Compose: one short entry for a run of ports (`10000-10002:10000-10002/udp`); Swarm: one long entry each. */
function entriesOf(ports: PortRequest[], target: Target): Plain[] {
  if (!target.compose || ports.length === 1) return ports.map((port) => entryOf(port, target));
  const first = ports[0]!;
  const last = ports[ports.length - 1]!;
  const proto = first.protocol === "tcp" ? "" : `/${first.protocol}`;
  const range = `${first.target}-${last.target}`;
  return [`${target.hostIp ? `${target.hostIp}:` : ""}${range}:${range}${proto}`];
}

function entryOf(port: PortRequest, target: Target): Plain {
  const proto = port.protocol === "tcp" ? "" : `/${port.protocol}`;
  if (target.compose) return `${target.hostIp ? `${target.hostIp}:` : ""}${port.target}:${port.target}${proto}`;
  return { target: port.target, published: port.target, protocol: port.protocol, mode: "host" };
}
