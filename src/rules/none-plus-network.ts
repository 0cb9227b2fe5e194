import { engineErrors, type Rule } from "./rule.js";
import { specialNetworkWithOthers } from "./special-network-with-others.js";

export const nonePlusNetwork: Rule = {
  id: "none-plus-network",
  severity: "error",
  summary: "a service is attached to the none network and to another network",
  check(service) {
    return specialNetworkWithOthers(this, service, "none", "the engine refuses to start it", engineErrors.none);
  },
};
