import type { StackModel } from "../../model/types.js";
import type { Protocol, ServiceAnalysis } from "../../analysis/types.js";
import { reachableFromHost } from "../shared/reach-from-host.js";

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
