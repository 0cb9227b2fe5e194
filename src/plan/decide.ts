import type { ServiceModel, StackModel } from "../model/types.js";
import type { CommonOptions, Notes, PortRequest, StrategyName } from "../strategies/strategy.js";
import { chooseDefault, chooseDirection } from "../analysis/choose.js";
import type { Placement } from "../analysis/flows.js";
import type { Protocol, ServiceAnalysis } from "../analysis/types.js";

export interface ProxyLike {
  direction: "inbound" | "outbound";
  publish: "ingress" | "host";
  offset: number;
}

export interface Decision {
  strategy: StrategyName;
  /** Set when the decision fixes the proxy's direction. */
  direction: "inbound" | "outbound" | undefined;
  reason: string;
}

/** The strategy of one service: the one given, a proxy for a given direction, or the default from the evidence. */
export function decide(common: CommonOptions, facts: ServiceAnalysis, service: ServiceModel): Decision {
  if (common.explicitStrategy && common.strategy === "proxy" && !common.explicitDirection) {
    // A proxy given without a direction: the evidence decides it, as it decides the default strategy.
    const chosen = chooseDirection(facts);
    if (chosen) {
      const reason = `strategy proxy as given, ${chosen.direction} from the evidence: ${chosen.reason}`;
      return { strategy: "proxy", direction: chosen.direction, reason };
    }
    return {
      strategy: "proxy",
      direction: undefined,
      reason: "strategy proxy as given, inbound (nothing decides the direction)",
    };
  }
  if (common.explicitStrategy && common.strategy !== "skip") {
    return { strategy: common.strategy, direction: undefined, reason: `strategy ${common.strategy} as given` };
  }
  if (common.explicitDirection) {
    const direction = common.explicitDirection;
    return { strategy: "proxy", direction, reason: `proxy ${direction}, as proxy.direction (--direction) gives it` };
  }
  const choice = chooseDefault(facts, service);
  return {
    strategy: choice.strategy,
    direction: choice.direction,
    reason: `default from the evidence: ${choice.reason}`,
  };
}

/**
 * The ports a strategy works with when none were given: what the overlay reaches for the
 * outbound proxy (reverse-proxy labels, other services' references), else the host ports.
 */
export function portsFor(
  strategy: StrategyName,
  direction: string | undefined,
  facts: ServiceAnalysis,
): { ports: PortRequest[]; source: string } {
  const host = facts.hostPorts.map((p) => ({ target: p.port, published: undefined, protocol: p.protocol }));
  if (strategy === "proxy" && direction === "outbound") {
    const seen = new Set<string>();
    const overlay: PortRequest[] = [];
    const from = new Set<string>();
    for (const peer of facts.reachedBy) {
      if (peer.port === undefined || seen.has(`${peer.port}/${peer.protocol}`)) continue;
      seen.add(`${peer.port}/${peer.protocol}`);
      overlay.push({ target: peer.port, published: undefined, protocol: peer.protocol });
      from.add(peer.kind === "reverse-proxy" ? `its ${label(peer.from)} label` : `"${peer.from}", which names it`);
    }
    if (overlay.length > 0) return { ports: overlay, source: [...from].join(" and ") };
  }
  return { ports: host, source: facts.hostPortsSource };
}

function label(from: string): string {
  return from === "traefik" ? "Traefik loadbalancer.server.port" : "Caddy reverse_proxy";
}

/** Where the strategy put the service's traffic, for the flow report. */
export function placementFor(
  strategy: StrategyName,
  direction: "inbound" | "outbound" | undefined,
  model: StackModel,
  service: ServiceModel,
  common: CommonOptions,
  byKey: Record<string, Record<string, unknown>>,
  rewritten: Placement["rewritten"],
): Placement {
  const placement: Placement = { strategy, dialect: model.dialect, ...(direction ? { direction } : {}) };
  const keys = common.ports.map((p) => `${p.target}/${p.protocol}`);
  if (direction === "outbound") placement.carried = new Set(keys);
  if (rewritten) placement.rewritten = rewritten;
  if (direction === "inbound") {
    const proxy = byKey.proxy as unknown as ProxyLike;
    // As strategies/proxy/proxy.ts does: a port the service publishes itself (its ports: take effect once it
    // leaves the host network) needs no new one: none at all at the same number (0), else forwarded there.
    placement.forwarded = new Map(
      common.ports.map((p) => {
        const own = service.ports.find(
          (o) => o.target === p.target && o.protocol === p.protocol && o.published !== undefined,
        );
        const to = own ? (own.published === p.target ? 0 : own.published!) : (p.published ?? p.target + proxy.offset);
        return [`${p.target}/${p.protocol}`, to];
      }),
    );
    // The proxy publishes a dnsrr service's ports in mode: host whatever was asked (swarmkit refuses ingress there).
    const dnsrr = (service.data.deploy as { endpoint_mode?: unknown } | undefined)?.endpoint_mode === "dnsrr";
    placement.publish = dnsrr ? "host" : proxy.publish;
  }
  return placement;
}

/** New exposure: an inbound proxy's ports published in ingress mode answer on every node of the swarm. */
export function sayExposure(
  model: StackModel,
  service: ServiceModel,
  common: CommonOptions,
  placement: Placement,
  notes: Notes,
): void {
  if (model.dialect !== "swarm" || placement.publish !== "ingress") return;
  const ports: string[] = [];
  for (const port of common.ports) {
    const key = `${port.target}/${port.protocol}`;
    const published = placement.meshed?.has(key) ? undefined : placement.forwarded?.get(key);
    if (published) ports.push(`${published}/${port.protocol as Protocol}`);
  }
  if (ports.length === 0) return;
  notes.warn(
    `${service.name}: new exposure: ${ports.join(", ")} ${ports.length > 1 ? "are" : "is"} now published in ingress mode, on every node of the swarm, to anyone who reaches a node (before, only the host ports of its own node); pass --publish host (proxy.publish: host) to serve ${ports.length > 1 ? "them" : "it"} only on the node that runs it`,
  );
}
