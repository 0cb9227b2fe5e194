import type { StackModel } from "../model/types.js";
import { hostIngressPort } from "./host-ingress-port.js";
import { hostPlusNetwork } from "./host-plus-network.js";
import { networkModeInStack } from "./network-mode-in-stack.js";
import { networkModeWithNetworks } from "./network-mode-with-networks.js";
import { nonePlusNetwork } from "./none-plus-network.js";
import type { Finding, Rule } from "./rule.js";

export const rules: readonly Rule[] = [
  hostPlusNetwork,
  nonePlusNetwork,
  hostIngressPort,
  networkModeWithNetworks,
  networkModeInStack,
];

/** Every finding of every rule, in file order. */
export function detect(model: StackModel): Finding[] {
  const findings = model.services.flatMap((service) => rules.flatMap((rule) => rule.check(service, model)));
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
