import type { ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";

/** Leaves the host network: drops the host attachment (Swarm) or `network_mode: host` (Compose). */
export function leaveHostNetwork(service: ServiceModel, edits: ServiceEdits): void {
  if (service.attachments.some((a) => a.network?.special === "host")) {
    edits.detach(service, (a) => a.network?.special === "host");
    return;
  }
  edits.removeKey(service, "network_mode");
}
