import type { ServiceModel, StackModel } from "../../model/types.js";
import type { Protocol } from "../../analysis/types.js";

/** How a report names the protocol of a published port it points to: nothing for TCP, the default. */
export function inProtocol(protocol: Protocol): string {
  return protocol === "tcp" ? "" : ` in ${protocol.toUpperCase()}`;
}

/** TCP first, then UDP, then SCTP: the order in which a reference that names no protocol is matched. */
const protocolOrder: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2 };

/**
 * The port at which a host-network container on any node reaches `target` of `other`: TCP where
 * it publishes the target in TCP, else UDP, else SCTP (a name and a port say no protocol; a
 * service that publishes the port only in UDP is reached in UDP).
 */
export function reachableFromHost(
  model: StackModel,
  other: ServiceModel,
  target: number,
): { port: number; protocol: Protocol } | undefined {
  const ordered = [...other.ports].sort((a, b) => protocolOrder[a.protocol] - protocolOrder[b.protocol]);
  for (const port of ordered) {
    if (port.target !== target || port.published === undefined) continue;
    if (model.dialect === "swarm" && port.mode !== "ingress") continue;
    // Bound to one address that is not loopback (`192.168.1.5:`, `[::1]:`, `host_ip:`), 127.0.0.1 does not reach it.
    if (model.dialect === "compose" && port.hostIp !== undefined && port.hostIp !== "127.0.0.1") continue;
    return { port: port.published, protocol: port.protocol };
  }
  return undefined;
}
