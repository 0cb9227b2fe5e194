import { parseShortPort } from "../model/ports.js";
import type { StackModel } from "../model/types.js";
import type { Plain } from "./render.js";

/**
 * What the plan says a service it rewrote, or one it added, reads as afterwards, as
 * data. The edits write text; this is stated beside them, from what the strategy
 * meant, and the verify step compares it with the output read back: text that lands
 * in the wrong place reads as something else.
 */
export interface PlannedShape {
  /** Exactly these networks (keys), for a service the plan writes whole. */
  networks?: string[];
  /** Networks it must be on afterwards. */
  on: Set<string>;
  /** Networks it must no longer be on. */
  off: Set<string>;
  /** Its `network_mode` afterwards (null: none); undefined: not stated. */
  networkMode?: string | null;
  /** Published ports it must have afterwards (those the plan adds), `PUBLISHED:TARGET/PROTOCOL/MODE`. */
  publishes: Set<string>;
  /** Exactly these published ports, `PUBLISHED:TARGET/PROTOCOL/MODE`, for a service the plan writes whole. */
  published?: string[];
}

export function emptyShape(): PlannedShape {
  return { on: new Set(), off: new Set(), publishes: new Set() };
}

/** The shape of a service the plan adds, from the body it writes. */
export function shapeOfBody(body: Record<string, Plain>): PlannedShape {
  const networks = body.networks;
  const keys = Array.isArray(networks)
    ? networks.map(String)
    : networks && typeof networks === "object"
      ? Object.keys(networks)
      : [];
  const ports = Array.isArray(body.ports) ? body.ports : [];
  const published = ports.flatMap((port) => {
    if (port && typeof port === "object" && !Array.isArray(port)) {
      const long = port as Record<string, Plain>;
      if (long.published === undefined) return [];
      const named = String(long.protocol ?? "tcp").toLowerCase();
      const protocol = named === "udp" || named === "sctp" ? named : "tcp";
      return [`${String(long.published)}:${String(long.target)}/${protocol}/${String(long.mode ?? "ingress")}`];
    }
    const short = parseShortPort(String(port));
    return short.published === undefined ? [] : [`${short.published}:${short.target}/${short.protocol}/ingress`];
  });
  return {
    networks: keys.sort(),
    on: new Set(),
    off: new Set(),
    publishes: new Set(),
    networkMode: typeof body.network_mode === "string" ? body.network_mode : null,
    published: published.sort(),
  };
}

/**
 * The first way the output differs from the planned shapes; undefined when none does.
 * `renamed` maps a service renamed in place (new name) to the name the plan knows.
 */
export function shapeMismatch(
  model: StackModel,
  planned: ReadonlyMap<string, PlannedShape>,
  renamed: ReadonlyMap<string, string>,
): string | undefined {
  const byName = new Map(model.services.map((service) => [renamed.get(service.name) ?? service.name, service]));
  for (const [name, shape] of planned) {
    const service = byName.get(name);
    if (!service) return `service "${name}" that it planned is not in its output`;
    const keys = service.attachments.map((a) => a.key);
    const networks = [...keys].sort();
    if (shape.networks && networks.join(",") !== shape.networks.join(",")) {
      return `"${service.name}" is on networks [${networks.join(", ")}], planned [${shape.networks.join(", ")}]`;
    }
    const missing = [...shape.on].find((key) => !keys.includes(key));
    if (missing !== undefined) return `"${service.name}" is not on "${missing}", which it planned to attach`;
    const left = [...shape.off].find((key) => keys.includes(key) && !shape.on.has(key));
    if (left !== undefined) return `"${service.name}" is still on "${left}", which it planned to take off`;
    const mode = service.networkMode?.value ?? null;
    if (shape.networkMode !== undefined && mode !== shape.networkMode) {
      return `"${service.name}" has network_mode ${String(mode)}, planned ${String(shape.networkMode)}`;
    }
    const published = service.ports
      .filter((p) => p.published !== undefined)
      .map((p) => `${p.published}:${p.target}/${p.protocol}/${p.mode}`)
      .sort();
    const unpublished = [...shape.publishes].find((port) => !published.includes(port));
    if (unpublished !== undefined) return `"${service.name}" does not publish ${unpublished}, which it planned to add`;
    if (shape.published) {
      if (published.join(",") !== shape.published.join(",")) {
        return `"${service.name}" publishes [${published.join(", ")}], planned [${shape.published.join(", ")}]`;
      }
    }
  }
  return undefined;
}
