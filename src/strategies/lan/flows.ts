import { kept, offTheHost, onOverlay, type FlowReasoning, type Placement } from "../../analysis/flows.js";

/** The service on a macvlan/ipvlan network of the LAN: at its own LAN address, where broadcasts reach it. */
export function lanFlows(at: Placement<undefined>): FlowReasoning {
  const name = at.service;
  return {
    hostPort: () =>
      kept("at the service's own address on the LAN network (not the node's address: point clients there)", [
        onOverlay(name),
      ]),
    lanUse: () => kept("on the LAN network, at its own address", [onOverlay(name)]),
    ...offTheHost(name),
  };
}
