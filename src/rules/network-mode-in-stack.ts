import { ignoredOptionsText } from "./engine-texts.js";
import { findingOf, type Rule } from "./rule.js";

export const networkModeInStack: Rule<"network-mode-in-stack"> = {
  id: "network-mode-in-stack",
  severity: "warning",
  summary: "`network_mode` in a file deployed as a stack: `docker stack deploy` ignores it",
  dialects: ["swarm"],
  engines: { swarm: [{}], compose: [] },
  texts: [ignoredOptionsText],
  docs: {
    full:
      '`docker stack deploy` ignores `network_mode` ("Ignoring unsupported options: network_mode"), so the ' +
      "service does not get the network the file asks for.",
    help:
      "For the host network in a stack file, attach an external network whose name is `host` instead of " +
      "`network_mode: host`.",
    sources: [`${ignoredOptionsText.source}`],
  },
  check(service, model) {
    if (model.dialect !== "swarm" || !service.networkMode) return [];
    const at = model.positionOf(service.networkMode.entry.value);
    return [
      findingOf(
        this,
        service,
        at,
        `\`docker stack deploy\` ignores \`network_mode: ${service.networkMode.value}\` ("Ignoring ` +
          `unsupported options: network_mode"); for the host network attach an external network named host ` +
          "instead",
      ),
    ];
  },
};
