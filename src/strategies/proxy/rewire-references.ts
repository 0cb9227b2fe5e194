import type { ServiceModel, StackModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";
import type { Notes } from "../../edit/notes.js";
import type { Protocol, ServiceAnalysis } from "../../analysis/types.js";
import { evidenceAt } from "../../analysis/reading.js";
import { inProtocol, reachableFromHost } from "../shared/reach-from-host.js";

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
