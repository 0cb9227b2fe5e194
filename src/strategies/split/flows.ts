import {
  kept,
  onHost,
  onOverlay,
  referenceFromHost,
  type FlowReasoning,
  type Placement,
  type RewiredReferences,
} from "../../analysis/flows.js";
import { splitNames } from "./names.js";

/** Where the split's collector (a copy of the service on the host network) reaches what the service refers to. */
export interface SplitPlacement {
  collector: RewiredReferences;
}

/**
 * The collector on the host network takes what the service received there; the processor keeps its
 * name on the overlay. What the service refers to, the processor still reaches; the collector only
 * where the reference was rewritten to a published port.
 */
export function splitFlows(at: Placement<SplitPlacement | undefined>): FlowReasoning {
  const name = at.service;
  const { collector, processor } = splitNames(name);
  const byCollector = () => kept(`by ${collector} on the host network`, [onHost(collector)]);
  return {
    hostPort: byCollector,
    lanUse: byCollector,
    reachedBy: () => kept(`${processor} keeps the name "${name}" on the overlay`, [onOverlay(processor)]),
    reaches: (ref) => [
      kept(`from ${processor} on the overlay`, [onOverlay(processor)]),
      referenceFromHost(ref, at.detail?.collector, at.dialect, collector),
    ],
  };
}
