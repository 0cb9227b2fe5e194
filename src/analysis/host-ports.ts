import type { Node } from "yaml";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { PortRequest } from "../model/port-request.js";
import { splitShortPort } from "../model/ports.js";
import { evidenceOf, scalarsUnder } from "./scan.js";
import type { HostPort, Protocol } from "./types.js";

/**
 * The ports a host-network service receives on the host: the ones the options name, else its
 * `ports:` and `expose:` (which do nothing under host mode, so they are the author's own list).
 * A reverse-proxy label is not among them: it names the port the overlay side uses.
 */
export function hostPortsOf(
  model: StackModel,
  service: ServiceModel,
  explicit: { ports: PortRequest[]; source: string },
): { ports: HostPort[]; source: string } {
  if (explicit.ports.length > 0) {
    const own = model.resolver.get(service.map, "x-stackmod");
    const at = own?.value ?? service.pair.key;
    const position = model.positionOf(at as Node | null);
    const ports = explicit.ports.map((p) => ({
      port: p.target,
      protocol: p.protocol,
      published: p.published,
      source: "options" as const,
      rangeEnd: undefined,
      evidence: { path: "x-stackmod.ports", text: `${p.target}/${p.protocol}`, position },
    }));
    return { ports: unique(ports), source: explicit.source || "x-stackmod ports or --port" };
  }
  const found: HostPort[] = [];
  service.ports.forEach((entry, index) => {
    if (entry.target === undefined) return;
    const rangeEnd = entry.raw === undefined ? undefined : rangeEndOf(entry.raw);
    found.push({
      port: entry.target,
      protocol: entry.protocol,
      published: undefined,
      source: "ports",
      rangeEnd,
      evidence: {
        path: `ports[${index}]`,
        text: entry.raw ?? `${entry.target}/${entry.protocol}`,
        position: entry.position,
      },
    });
  });
  for (const at of scalarsUnder(model, service.map, "expose")) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|sctp))?$/i.exec(at.value.trim());
    const port = match ? Number(match[1]) : 0;
    if (!match || port < 1 || port > 65535) continue;
    found.push({
      port,
      protocol: (match[3]?.toLowerCase() ?? "tcp") as Protocol,
      published: undefined,
      source: "expose",
      rangeEnd: match[2] === undefined ? undefined : Number(match[2]),
      evidence: evidenceOf(model, at, at.value),
    });
  }
  const sources = [...new Set(found.map((p) => (p.source === "ports" ? "its `ports:`" : "its `expose:` list")))];
  return { ports: unique(found), source: sources.join(" and ") };
}

/** `8000-8010:8000-8010/udp` → 8010 (the target range's end). */
function rangeEndOf(raw: string): number | undefined {
  const { target } = splitShortPort(raw);
  const match = /^\s*\d+-(\d+)\s*$/.exec(target);
  return match ? Number(match[1]) : undefined;
}

function unique(ports: HostPort[]): HostPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
