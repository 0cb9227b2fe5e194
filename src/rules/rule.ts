import type { SourcePosition } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";

export type Severity = "error" | "warning";

export type RuleId =
  | "host-plus-network"
  | "none-plus-network"
  | "host-ingress-port"
  | "network-mode-with-networks"
  | "network-mode-in-stack";

export interface Finding extends SourcePosition {
  rule: RuleId;
  severity: Severity;
  service: string;
  message: string;
  /** The engine's own error text, for errors: what users see and search for. */
  engineError?: string;
}

/** One detection rule: a pure function of the model, one finding per offending service or port. */
export interface Rule {
  id: RuleId;
  severity: Severity;
  summary: string;
  check(service: ServiceModel, model: StackModel): Finding[];
}

/** A finding of `rule` for `service` at `position`, with the engine's own words when it has them. */
export function findingOf(
  rule: Rule,
  service: ServiceModel,
  position: SourcePosition,
  message: string,
  engineError?: string,
): Finding {
  return {
    ...position,
    rule: rule.id,
    severity: rule.severity,
    service: service.name,
    message,
    ...(engineError ? { engineError } : {}),
  };
}

export const engineErrors = {
  host: "container sharing network namespace with another container or host cannot be connected to any other network",
  none: "container cannot be connected to multiple networks with one of the networks in private (none) mode",
  compose: "declares mutually exclusive `network_mode` and `networks`: invalid compose project",
} as const;
