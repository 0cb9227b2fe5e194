import { engineErrors, findingOf, type Rule } from "./rule.js";

export const networkModeWithNetworks: Rule = {
  id: "network-mode-with-networks",
  severity: "error",
  summary: "in a Compose file, `network_mode` and `networks` on the same service",
  check(service, model) {
    if (model.dialect !== "compose" || !service.networkMode || service.attachments.length === 0) return [];
    const at = model.parsed.source.position(service.networkMode.entry.value?.range?.[0] ?? 0);
    return [
      findingOf(
        this,
        service,
        at,
        `service "${service.name}" sets \`network_mode: ${service.networkMode.value}\` and \`networks:\`; Compose refuses the file`,
        `service ${service.name} ${engineErrors.compose}`,
      ),
    ];
  },
};
