import type { ServiceModel } from "../model/types.js";
import { findingOf, type Finding, type Rule } from "./rule.js";

/**
 * The finding shared by `host-plus-network` and `none-plus-network`: a service on
 * the special network and on any other, reported at the special attachment.
 */
export function specialNetworkWithOthers<Id extends string>(
  rule: Rule<Id>,
  service: ServiceModel,
  special: "host" | "none",
  consequence: string,
  engineError: string,
): Finding<Id>[] {
  const attachment = service.attachments.find((a) => a.network?.special === special);
  const others = service.attachments.filter((a) => a.network?.special !== special);
  if (!attachment || others.length === 0) return [];
  const message =
    `service "${service.name}" is on the ${special} network ("${attachment.key}") and on ` +
    `${others.map((a) => `"${a.key}"`).join(", ")}; ${consequence}`;
  return [findingOf(rule, service, attachment.position, message, engineError)];
}
