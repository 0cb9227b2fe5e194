import type { Reading } from "../../analysis/reading.js";
import type { ServiceAnalysis } from "../../analysis/types.js";
import type { Choice, PortRequest } from "../strategy.js";

/** What the decisions read of proxy's options. */
interface Direction {
  direction: "inbound" | "outbound";
}

/**
 * The default for what the evidence shows: it receives broadcasts on a known port → inbound (a
 * host-network proxy receives them); it sends or joins broadcast/multicast, or only the overlay reaches
 * it → outbound (the service keeps the host network). Unicast listeners only are publish's.
 */
export function chooseProxy(reading: Reading): Choice<Direction> | undefined {
  if (reading.kind === "receives") {
    const why = "which a published port does not deliver with the sender's address; a host-network proxy does";
    return { options: { direction: "inbound" }, reason: `${reading.reason}, ${why}` };
  }
  if (reading.kind === "unicast") return undefined;
  return { options: { direction: "outbound" }, reason: reading.reason };
}

/**
 * A proxy given without a direction takes it from the same evidence as the default: it sends or joins
 * broadcast/multicast, or only the overlay reaches it → outbound; it receives broadcasts, or unicast on
 * known host ports → inbound (a host-network proxy forwards them). Nothing decides: the default, inbound.
 */
export function completeProxy(reading: Reading | undefined, given: ReadonlySet<string>): Choice<Direction> | undefined {
  if (given.has("direction")) return undefined;
  const chosen = directionFrom(reading);
  if (!chosen) return { options: {}, reason: "strategy proxy as given, inbound (nothing decides the direction)" };
  return {
    options: { direction: chosen.direction },
    reason: `strategy proxy as given, ${chosen.direction} from the evidence: ${chosen.reason}`,
  };
}

function directionFrom(
  reading: Reading | undefined,
): { direction: "inbound" | "outbound"; reason: string } | undefined {
  if (!reading) return undefined;
  if (reading.kind === "sends" || reading.kind === "overlay") return { direction: "outbound", reason: reading.reason };
  if (reading.kind === "receives") {
    return {
      direction: "inbound",
      reason: `${reading.reason}, which a proxy on the host network receives and forwards`,
    };
  }
  const how = "which a proxy on the host network forwards";
  return { direction: "inbound", reason: `it receives ${reading.list} on the host (${reading.from}), ${how}` };
}

/**
 * Outbound, with no ports given: what the overlay reaches (reverse-proxy labels, other services'
 * references) rather than the host ports, which the service keeps serving itself.
 */
export function overlayPorts(
  options: Direction,
  analysis: ServiceAnalysis,
): { ports: PortRequest[]; source: string } | undefined {
  if (options.direction !== "outbound") return undefined;
  const seen = new Set<string>();
  const overlay: PortRequest[] = [];
  const from = new Set<string>();
  for (const peer of analysis.reachedBy) {
    if (peer.port === undefined || seen.has(`${peer.port}/${peer.protocol}`)) continue;
    seen.add(`${peer.port}/${peer.protocol}`);
    overlay.push({ target: peer.port, published: undefined, protocol: peer.protocol });
    from.add(peer.kind === "reverse-proxy" ? `its ${label(peer.from)} label` : `"${peer.from}", which names it`);
  }
  return overlay.length > 0 ? { ports: overlay, source: [...from].join(" and ") } : undefined;
}

function label(from: string): string {
  return from === "traefik" ? "Traefik loadbalancer.server.port" : "Caddy reverse_proxy";
}
