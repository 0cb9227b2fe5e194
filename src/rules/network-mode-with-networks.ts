import { fixNetworkModeWithNetworks } from "./fixes.js";
import { composeNetworkModeText } from "./engine-texts.js";
import { rewriteHelp } from "./host-plus-network.js";
import { findingOf, type Rule } from "./rule.js";

export const networkModeWithNetworks: Rule = {
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
    const at = model.parsed.source.position(service.networkMode.entry.value?.range?.[0] ?? 0);
    return [
      findingOf(
        this,
        service,
        at,
        `service "${service.name}" sets \`network_mode: ${service.networkMode.value}\` and \`networks:\`; Compose refuses the file`,
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
    apply({ service, edits, notes }) {
      fixNetworkModeWithNetworks(service, edits, notes);
      return true;
    },
  },
  supersededByStrategy: true,
};
