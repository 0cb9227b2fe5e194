import type { ServiceModel } from "../model/types.js";
import type { Notes } from "../edit/notes.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import { noneNetworkText } from "./engine-texts.js";
import { networkCheckSources, swarmNetworkCheckEngines } from "./host-plus-network.js";
import type { Rule } from "./rule.js";
import { specialNetworkWithOthers } from "./special-network-with-others.js";

export const nonePlusNetwork: Rule<"none-plus-network"> = {
  id: "none-plus-network",
  severity: "error",
  summary: "a service is attached to the none network and to another network",
  dialects: ["swarm", "compose"],
  engines: { swarm: swarmNetworkCheckEngines, compose: [{}] },
  loophole: true,
  texts: [noneNetworkText],
  refusesTasks: true,
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

/** `none` beside other networks: the other networks are what the service uses. */
function dropNoneNetwork(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const none = service.attachments.filter((a) => a.network?.special === "none");
  if (none.length === 0 || none.length === service.attachments.length) return;
  edits.detach(service, (a) => a.network?.special === "none");
  notes.info(
    `${service.name}: removed the none network ("${none[0]!.key}"), which cannot be combined with other networks`,
  );
  const others = service.attachments.filter((a) => a.network?.special === undefined);
  if (others.length > 0 && !service.attachments.some((a) => a.network?.special === "host")) {
    notes.warn(
      `${service.name}: it now has network access on ${others.map((a) => `"${a.key}"`).join(", ")}; with ` +
        `"${none[0]!.key}" it was meant to have none: if it must stay isolated, remove those networks instead`,
    );
  }
}
