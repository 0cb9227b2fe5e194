import type { Node } from "yaml";
import type { ServiceModel } from "./model/types.js";
import type { Notes } from "./transform.js";
import type { ServiceEdits } from "./service-edits.js";

/** Fixes that need no choice, applied whatever the strategy. */

/** `none` beside other networks: the other networks are what the service uses. */
export function dropNoneNetwork(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const none = service.attachments.filter((a) => a.network?.special === "none");
  if (none.length === 0 || none.length === service.attachments.length) return;
  edits.detach(service, (a) => a.network?.special === "none");
  notes.info(
    `${service.name}: removed the none network ("${none[0]!.key}"), which cannot be combined with other networks`,
  );
}

/** A host-network service listens on the host already; an ingress port would attach it to `ingress`. */
export function dropIngressPorts(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const ingress = service.ports.filter((p) => p.mode === "ingress");
  if (ingress.length === 0) return;
  edits.removeFromList(
    service,
    "ports",
    ingress.map((p) => p.node as Node),
  );
  const list = ingress.map((p) => p.raw ?? String(p.target)).join(", ");
  notes.info(
    `${service.name}: dropped ingress port(s) ${list}: on the host network the service listens on the host directly`,
  );
}
