import type { Node } from "yaml";
import { StackmodError } from "../errors.js";
import type { ServiceModel } from "../model/types.js";
import type { Notes } from "../edit/notes.js";
import type { ServiceEdits } from "../edit/service-edits.js";

/** Fixes that need no choice, applied whatever the strategy. */

/** `none` beside other networks: the other networks are what the service uses. */
export function dropNoneNetwork(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const none = service.attachments.filter((a) => a.network?.special === "none");
  if (none.length === 0 || none.length === service.attachments.length) return;
  edits.detach(service, (a) => a.network?.special === "none");
  notes.info(
    `${service.name}: removed the none network ("${none[0]!.key}"), which cannot be combined with other networks`,
  );
  const others = service.attachments.filter((a) => a.network?.special === undefined);
  if (others.length > 0 && !service.attachments.some((a) => a.network?.special === "host")) {
    notes.warn(
      `${service.name}: it now has network access on ${others.map((a) => `"${a.key}"`).join(", ")}; with "${none[0]!.key}" it was meant to have none: if it must stay isolated, remove those networks instead`,
    );
  }
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

/**
 * Compose: `network_mode` other than host together with `networks:`. None of these is a
 * host conflict, so none goes to a strategy:
 * - `service:X` / `container:X`: the service runs in the other container's namespace, whose
 *   networks are that container's; its own `networks:` could never apply, so they go.
 * - `none`: the service was meant to have no network; `networks:` goes (fail closed).
 * Any other mode (bridge, a network's name) with `networks:` is a choice only the author can make.
 */
export function fixNetworkModeWithNetworks(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const mode = service.networkMode!.value;
  const keys = service.attachments.map((a) => `"${a.key}"`).join(", ");
  const shared = /^(service|container):(.+)$/.exec(mode);
  if (shared) {
    edits.removeKey(service, "networks");
    const owner = shared[1] === "service" ? `service "${shared[2]}"` : `container "${shared[2]}"`;
    notes.info(
      `${service.name}: removed networks: (${keys}): with network_mode: ${mode} it runs in the network namespace of ${owner}, whose networks are the ones it is on; attach ${owner} to them if it needs them`,
    );
    return;
  }
  if (mode === "none") {
    edits.removeKey(service, "networks");
    notes.warn(
      `${service.name}: kept network_mode: none and removed networks: (${keys}), so it still has no network (fail closed); if it needs ${keys}, remove network_mode: none instead`,
    );
    return;
  }
  const value = service.networkMode!.entry.pair.value as { range?: [number, number, number] } | null;
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${service.name}" sets network_mode: ${mode} and networks: (${keys}), which Compose refuses together; this is not a host-network conflict, and which of the two you meant is yours to say: remove one of them`,
    edits.model.parsed.source.position(value?.range?.[0] ?? 0),
  );
}

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
