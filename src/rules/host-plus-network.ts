import { engineErrors, type Rule } from "./rule.js";
import { specialNetworkWithOthers } from "./special-network-with-others.js";

export const hostPlusNetwork: Rule = {
  id: "host-plus-network",
  severity: "error",
  summary: "a service is attached to the host network and to another network",
  check(service) {
    return specialNetworkWithOthers(this, service, "host", "Docker Engine 28+ refuses to start it", engineErrors.host);
  },
};
