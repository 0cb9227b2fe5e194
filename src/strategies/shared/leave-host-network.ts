import type { ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";

/** Leaves the host network: drops the host attachment (Swarm) or `network_mode: host` (Compose); its key. */
export function leaveHostNetwork(service: ServiceModel, edits: ServiceEdits): string {
  const host = service.attachments.find((a) => a.network?.special === "host");
  if (host) {
    edits.detach(service, (a) => a.network?.special === "host");
    return host.key;
  }
  edits.removeKey(service, "network_mode");
  return "host";
}
