import type { Notes } from "../../edit/notes.js";

/**
 * New exposure: the inbound proxy's own new ports, published in ingress mode, answer on every node of
 * the swarm where the host ports answered on the service's node only. `ports` (`PUBLISHED/PROTO`) are
 * those it adds: a port the service already publishes itself (in ingress mode or mode: host) is the
 * file's, and is not said.
 */
export function sayNewExposure(service: string, ports: readonly string[], notes: Notes): void {
  if (ports.length === 0) return;
  const are = ports.length > 1 ? "are" : "is";
  const them = ports.length > 1 ? "them" : "it";
  notes.warn(
    `${service}: new exposure: ${ports.join(", ")} ${are} now published in ` +
      "ingress mode, on every node of the swarm, to anyone who reaches a node (before, only the host ports of " +
      `its own node); pass --publish host (proxy.publish: host) to serve ${them} ` +
      "only on the node that runs it",
  );
}
