import { dropNoneNetwork } from "./fixes.js";
import { noneNetworkText } from "./engine-texts.js";
import { networkCheckSources, swarmNetworkCheckEngines } from "./host-plus-network.js";
import type { Rule } from "./rule.js";
import { specialNetworkWithOthers } from "./special-network-with-others.js";

export const nonePlusNetwork: Rule = {
  id: "none-plus-network",
  severity: "error",
  summary: "a service is attached to the none network and to another network",
  dialects: ["swarm", "compose"],
  engines: { swarm: swarmNetworkCheckEngines, compose: [{}] },
  texts: [noneNetworkText],
  docs: {
    full:
      "A container on the none network cannot be connected to any other network; the engine refuses it at start. " +
      "The none network adds nothing next to another network.",
    help: "Run `stackmod rewrite FILE --write`: it drops `none` from the service's networks.",
    sources: networkCheckSources,
    fix: "drops `none` from the service's networks",
  },
  check(service) {
    return specialNetworkWithOthers(this, service, "none", "the engine refuses to start it", noneNetworkText.text);
  },
  fix: {
    runs: "default",
    pass: "network",
    apply({ service, edits, notes }) {
      dropNoneNetwork(service, edits, notes);
      return true;
    },
  },
};
