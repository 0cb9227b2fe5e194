import type { ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";

/**
 * Leaves the host network: drops the host attachment (Swarm) or `network_mode: host` (Compose), and
 * both when a Compose service has both (left behind, `network_mode` keeps it on the host, and Compose
 * refuses it beside `networks:`); the key it was on. Every strategy that moves a service off the host
 * leaves it through here.
 */
export function leaveHostNetwork(service: ServiceModel, edits: ServiceEdits): string {
  const host = service.attachments.find((a) => a.network?.special === "host");
  if (host) {
    edits.detach(service, (a) => a.network?.special === "host");
    if (service.networkMode?.value === "host") edits.removeKey(service, "network_mode");
    return host.key;
  }
  edits.removeKey(service, "network_mode");
  return "host";
}
