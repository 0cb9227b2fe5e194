import type { Node } from "yaml";
import { onlyOneHostText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { fileFindingOf, onEngines, type Finding, type Rule } from "./rule.js";

/** `networks: {hostnet: {driver: host}}`: a second network of the host driver, which the engine refuses to create. */
export const hostDriverNetwork: Rule<"host-driver-network"> = {
  id: "host-driver-network",
  severity: "error",
  summary: "a network declared with `driver: host` that is not external: the engine refuses to create it",
  dialects: ["swarm", "compose"],
  engines: onEngines(everyEngine),
  texts: [onlyOneHostText],
  docs: {
    full:
      "The host network exists once per engine, predefined. Declaring a network with `driver: host` asks " +
      "`docker stack deploy` " +
      '(or Compose) to create another one, which the host driver refuses ("only one instance of "host" ' +
      'network is allowed"); the deploy fails.',
    help:
      "Refer to the predefined network instead: `hostnet: {external: true, name: host}` (and attach the " +
      "service to `hostnet`).",
    sources: [onlyOneHostText.source],
  },
  check() {
    return [];
  },
  checkFile(model) {
    const findings: Finding<"host-driver-network">[] = [];
    for (const network of model.networks.values()) {
      if (network.external || !network.entry.local) continue;
      if (network.driver !== "host") continue;
      const at = model.positionOf(network.entry.pair.key as Node | null);
      findings.push(
        fileFindingOf(
          this,
          at,
          `network "${network.key}" is declared with \`driver: host\`: the engine refuses to create a second ` +
            `host network ("${onlyOneHostText.text}"); write \`${network.key}: {external: true, name: host}\``,
          onlyOneHostText.text,
        ),
      );
    }
    return findings;
  },
};
