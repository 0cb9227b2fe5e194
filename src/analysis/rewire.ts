import type { ServiceModel, StackModel } from "../model/types.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import type { Notes } from "../edit/notes.js";
import type { Protocol, ServiceAnalysis } from "./types.js";
import { evidenceAt } from "./reading.js";

/**
 * A service that stays on the host network loses its overlay names: each `name:PORT` it refers to
 * is rewritten to `127.0.0.1:PUBLISHED` where the other service publishes that port on every node
 * (ingress in Swarm; a host binding in Compose). Every other reference is said, naming it.
 */
export function rewireReferences(
  model: StackModel,
  service: ServiceModel,
  analysis: ServiceAnalysis,
  edits: ServiceEdits,
  notes: Notes,
): Map<string, { service: string; port: number; protocol: Protocol }> {
  const rewritten = new Map<string, { service: string; port: number; protocol: Protocol }>();
  for (const ref of analysis.reaches) {
    if (rewritten.has(ref.text)) continue;
    const other = model.services.find((s) => s.name === ref.service);
    const published = other && ref.port !== undefined ? reachableFromHost(model, other, ref.port) : undefined;
    const where = evidenceAt(ref.evidence, model.file);
    if (published === undefined) {
      notes.warn(
        `${service.name}: ${where} refers to "${ref.text}", which does not resolve on the host network; ` +
          `publish ${ref.port ?? "its port"} of "${ref.service}" (ingress) and refer to 127.0.0.1:PORT, or ` +
          `keep ${service.name} on the overlay`,
      );
      continue;
    }
    const to = `127.0.0.1:${published.port}`;
    if (!ref.editable || !edits.replaceInScalar(service, ref.editable, ref.text, to)) {
      notes.warn(
        `${service.name}: ${where} refers to "${ref.text}", which does not resolve on the host network; ` +
          `"${ref.service}" publishes it at ${to}: write that there (stackmod edits only text the service ` +
          "writes itself, literally)",
      );
      continue;
    }
    rewritten.set(ref.text, { service: ref.service, ...published });
    notes.info(
      `${service.name}: ${where}: "${ref.text}" → "${to}" (published by ` +
        `"${ref.service}"${inProtocol(published.protocol)}), reachable from the host network`,
    );
  }
  return rewritten;
}

/**
 * Where the split's collector (a copy of the service on the host network) reaches what the service
 * refers to in its environment, command and entrypoint: `name:PORT` to `127.0.0.1:PUBLISHED`, by
 * reference text. A reference in a config's content, a bare name, or one whose service publishes
 * no such port is not there, and is lost for the collector.
 */
export function collectorAddresses(
  model: StackModel,
  analysis: ServiceAnalysis,
): Map<string, { service: string; port: number; protocol: Protocol }> {
  const found = new Map<string, { service: string; port: number; protocol: Protocol }>();
  for (const ref of analysis.reaches) {
    if (!/^(environment|command|entrypoint)\b/.test(ref.evidence.path) || found.has(ref.text)) continue;
    const other = model.services.find((s) => s.name === ref.service);
    const published = other && ref.port !== undefined ? reachableFromHost(model, other, ref.port) : undefined;
    if (published) found.set(ref.text, { service: ref.service, ...published });
  }
  return found;
}

/** `text` replaced by `to` in every string of a value, where it stands as a whole host name (not `xbroker:1883`). */
export function replaceReference(value: unknown, text: string, to: string): unknown {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?!\\d)`, "g");
  if (typeof value === "string") return value.replace(pattern, to);
  if (Array.isArray(value)) return value.map((item) => replaceReference(item, text, to));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceReference(v, text, to)]));
  return value;
}

/** How a report names the protocol of a published port it points to: nothing for TCP, the default. */
export function inProtocol(protocol: Protocol): string {
  return protocol === "tcp" ? "" : ` in ${protocol.toUpperCase()}`;
}

/** TCP first, then UDP, then SCTP: the order in which a reference that names no protocol is matched. */
const protocolOrder: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2 };

/**
 * The port at which a host-network container on any node reaches `target` of `other`: TCP where
 * it publishes the target in TCP, else UDP, else SCTP (a name and a port say no protocol; a
 * service that publishes the port only in UDP is reached in UDP).
 */
function reachableFromHost(
  model: StackModel,
  other: ServiceModel,
  target: number,
): { port: number; protocol: Protocol } | undefined {
  const ordered = [...other.ports].sort((a, b) => protocolOrder[a.protocol] - protocolOrder[b.protocol]);
  for (const port of ordered) {
    if (port.target !== target || port.published === undefined) continue;
    if (model.dialect === "swarm" && port.mode !== "ingress") continue;
    // Bound to one address that is not loopback (`192.168.1.5:`, `[::1]:`, `host_ip:`), 127.0.0.1 does not reach it.
    if (model.dialect === "compose" && port.hostIp !== undefined && port.hostIp !== "127.0.0.1") continue;
    return { port: port.published, protocol: port.protocol };
  }
  return undefined;
}
