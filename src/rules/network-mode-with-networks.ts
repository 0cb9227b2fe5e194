import type { Node } from "yaml";
import { StackmodError } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { Notes } from "../edit/notes.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import { composeNetworkModeText } from "./engine-texts.js";
import { rewriteHelp } from "./host-plus-network.js";
import { findingOf, type Rule } from "./rule.js";

export const networkModeWithNetworks: Rule<"network-mode-with-networks"> = {
  id: "network-mode-with-networks",
  severity: "error",
  summary: "in a Compose file, `network_mode` and `networks` on the same service",
  dialects: ["compose"],
  engines: { swarm: [], compose: [{}] },
  texts: [composeNetworkModeText],
  docs: {
    full: "In a Compose file, `network_mode` and `networks` are mutually exclusive: Compose refuses the whole file.",
    help: rewriteHelp,
    sources: ["compose-spec: network_mode and networks are mutually exclusive"],
    fix: "the service's strategy (proxy, split, lan, publish)",
  },
  check(service, model) {
    if (model.dialect !== "compose" || !service.networkMode || service.attachments.length === 0) return [];
    const at = model.positionOf(service.networkMode.entry.value);
    return [
      findingOf(
        this,
        service,
        at,
        `service "${service.name}" sets \`network_mode: ${service.networkMode.value}\` and \`networks:\`; ` +
          "Compose refuses the file",
        `service ${service.name} ${composeNetworkModeText.text}`,
      ),
    ];
  },
  fix: {
    runs: "default",
    pass: "network",
    strategy: (service) => service.networkMode?.value === "host",
    // service:X, container:X and none lose networks:; any other mode is refused (exit 2) by the fix.
    alone: (service) => service.networkMode?.value !== "host",
    apply({ model, service, edits, notes }) {
      fixNetworkModeWithNetworks(model, service, edits, notes);
      return true;
    },
  },
  supersededByStrategy: true,
};

/**
 * Compose: `network_mode` other than host together with `networks:`. None of these is a
 * host conflict, so none goes to a strategy:
 * - `service:X` / `container:X`: the service runs in the other container's namespace, whose
 *   networks are that container's; its own `networks:` could never apply, so they go.
 * - `none`: the service was meant to have no network; `networks:` goes (fail closed).
 * Any other mode (bridge, a network's name) with `networks:` is a choice only the author can make.
 */
function fixNetworkModeWithNetworks(model: StackModel, service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const mode = service.networkMode!.value;
  const keys = service.attachments.map((a) => `"${a.key}"`).join(", ");
  const shared = /^(service|container):(.+)$/.exec(mode);
  if (shared) {
    edits.removeKey(service, "networks");
    const owner = shared[1] === "service" ? `service "${shared[2]}"` : `container "${shared[2]}"`;
    notes.info(
      `${service.name}: removed networks: (${keys}): with network_mode: ${mode} it runs in the network ` +
        `namespace of ${owner}, whose networks are the ones it is on; attach ${owner} to them if it needs them`,
    );
    return;
  }
  if (mode === "none") {
    edits.removeKey(service, "networks");
    notes.warn(
      `${service.name}: kept network_mode: none and removed networks: (${keys}), so it still has no network ` +
        `(fail closed); if it needs ${keys}, remove network_mode: none instead`,
    );
    return;
  }
  const value = service.networkMode!.entry.pair.value as Node | null;
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${service.name}" sets network_mode: ${mode} and networks: (${keys}), which Compose refuses ` +
      "together; this is not a host-network conflict, and which of the two you meant is yours to say: remove " +
      "one of them",
    model.positionOf(value),
  );
}
