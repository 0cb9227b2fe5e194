import {
  kept,
  lost,
  offTheHost,
  onHost,
  onOverlay,
  published,
  referenceFromHost,
  type FlowReasoning,
  type Placement,
  type RewiredReferences,
} from "../../analysis/flows.js";
import type { Dialect } from "../../model/types.js";

/**
 * Where the proxy put the service. Inbound: the port each forwarded port goes to, by `PORT/PROTO`
 * (0: the service publishes it itself at that number, no forwarder). Outbound: the ports the overlay
 * proxy carries, by `PORT/PROTO`, and the references of the service (on the host) it rewrote.
 */
export type ProxyPlacement =
  | { direction: "inbound"; forwarded: ReadonlyMap<string, number> }
  | { direction: "outbound"; carried: ReadonlySet<string>; rewired: RewiredReferences | undefined };

export function proxyFlows(at: Placement<ProxyPlacement>): FlowReasoning {
  const { service, dialect, detail } = at;
  return detail.direction === "inbound"
    ? inboundFlows(service, detail.forwarded)
    : outboundFlows(service, dialect, detail);
}

/** The service on the overlay, a forwarder on the host network in front of it. */
function inboundFlows(name: string, forwarded: ReadonlyMap<string, number>): FlowReasoning {
  const proxyName = `${name}-proxy`;
  return {
    hostPort(port) {
      const key = `${port.port}/${port.protocol}`;
      const target = forwarded.get(key);
      if (target === undefined) return lost(`not forwarded: add ${key} to the service's x-stackmod ports`);
      if (target === 0) {
        return kept("published by the service itself at that port", [published(name, port.port, port.protocol)]);
      }
      const how =
        `via ${proxyName} on the host network to 127.0.0.1:${target}; the service sees the proxy's ` +
        "address, not the client's";
      return kept(how, [onHost(proxyName), published(name, target, port.protocol)]);
    },
    lanUse(use) {
      if (use.kind === "receives") {
        const how =
          `${proxyName} on the host network receives it and forwards it; the service sees the ` + "proxy's address";
        return kept(how, [onHost(proxyName)]);
      }
      return lost("a proxy cannot send broadcasts or join groups for it; use --direction outbound or --strategy lan");
    },
    ...offTheHost(name),
  };
}

/** The service on the host network, a proxy on the overlay answering under its name. */
function outboundFlows(
  name: string,
  dialect: Dialect,
  { carried, rewired }: Extract<ProxyPlacement, { direction: "outbound" }>,
): FlowReasoning {
  const proxyName = `${name}-proxy`;
  return {
    hostPort: () => kept("service stays on the host", [onHost(name)]),
    lanUse: () => kept("service stays on the host", [onHost(name)]),
    reachedBy(peer) {
      const carries = peer.port === undefined ? carried.size > 0 : carried.has(`${peer.port}/${peer.protocol}`);
      if (carries) return kept(`via ${proxyName} on the same node, which answers as "${name}"`, [onOverlay(proxyName)]);
      return lost(
        `${proxyName} does not carry ${peer.port}/${peer.protocol}; add it to the service's x-stackmod ports`,
      );
    },
    reaches: (ref) => referenceFromHost(ref, rewired, dialect),
  };
}
