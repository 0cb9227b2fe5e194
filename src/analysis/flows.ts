import type { Dialect } from "../model/types.js";
import type { HostPort, LanUse, OverlayPeer, Protocol, Reference, ServiceAnalysis } from "./types.js";

/** What in the output carries a kept flow: checked against the output by the property test. */
export type FlowVia =
  | { service: string; on: "host" }
  | { service: string; on: "overlay" }
  | { service: string; on: "published"; port: number; protocol: Protocol };

/** One thing the service did on the network, before and after the rewrite. */
export interface Flow {
  service: string;
  /** `LAN`, `LAN broadcast`, `traefik`, or a service name. */
  from: string;
  /** `adguard 53/udp`, `broker:1883`, `LAN: mDNS multicast (224.0.0.251)`. */
  to: string;
  status: "kept" | "lost";
  /** Kept: how; lost: why, and the way out. */
  how: string;
  via: FlowVia[];
  /** The service's name under `services:` in the input: where SARIF and GitHub annotations put a lost flow. */
  line: number;
  column: number;
}

/**
 * Where a strategy put one service, as its flows read it: the service, the file's dialect, and what
 * the strategy's `apply` handed back about it (`detail`, of the strategy's own type).
 */
export interface Placement<Detail = unknown> {
  service: string;
  dialect: Dialect;
  detail: Detail;
}

/** A strategy's word on one flow: kept and what carries it, or lost and why; `from` when not the usual side. */
export type Verdict = { status: "kept"; how: string; via: FlowVia[]; from?: string } | LostVerdict;

type LostVerdict = { status: "lost"; how: string; from?: string };

/**
 * What a strategy says of each thing the analysis found, one method per kind, each giving one verdict
 * or several (a split's two halves). `flowsOf` asks it about every one of them, so none is left out.
 */
export interface FlowReasoning {
  /** A port it received on the host: from `LAN` to `NAME PORT/PROTO`. */
  hostPort(port: HostPort): Verdict | Verdict[];
  /** Broadcast or multicast: from `LAN broadcast` to the service (receives), or from the service to the LAN. */
  lanUse(use: LanUse): Verdict | Verdict[];
  /** Someone on the overlay that reaches it (a reverse proxy, another service): to `NAME:PORT`. */
  reachedBy(peer: OverlayPeer): Verdict | Verdict[];
  /** A name of another service that it refers to: from the service to the text it writes. */
  reaches(ref: Reference): Verdict | Verdict[];
}

/** The flows of one rewritten service: each one the analysis found, kept (and how) or lost (and why). */
export function flowsOf(a: ServiceAnalysis, reasoning: FlowReasoning, where: { line: number; column: number }): Flow[] {
  const name = a.service;
  const { line, column } = where;
  const flows: Flow[] = [];
  const add = (from: string, to: string, said: Verdict | Verdict[]) => {
    for (const verdict of Array.isArray(said) ? said : [said]) {
      const via = verdict.status === "kept" ? verdict.via : [];
      const { status, how } = verdict;
      flows.push({ service: name, from: verdict.from ?? from, to, status, how, via, line, column });
    }
  };
  for (const port of a.hostPorts) add("LAN", `${name} ${portText(port)}`, reasoning.hostPort(port));
  for (const use of a.lan) {
    const port = use.port !== undefined ? ` ${use.port}/${use.protocol ?? "udp"}` : "";
    if (use.kind === "receives") add("LAN broadcast", `${name}${port}`, reasoning.lanUse(use));
    else add(name, `LAN: ${use.what}`, reasoning.lanUse(use));
  }
  for (const peer of a.reachedBy)
    add(peer.from, `${name}${peer.port ? `:${peer.port}` : ""}`, reasoning.reachedBy(peer));
  for (const ref of a.reaches) add(name, ref.text, reasoning.reaches(ref));
  return flows;
}

/** `53/udp`, `10000-20000/udp`: a host port as the flows name it. */
export function portText(port: HostPort): string {
  return `${port.port}${port.rangeEnd ? `-${port.rangeEnd}` : ""}/${port.protocol}`;
}

export function kept(how: string, via: FlowVia[], from?: string): Verdict {
  return { status: "kept", how, via, ...(from === undefined ? {} : { from }) };
}

export function lost(how: string, from?: string): Verdict {
  return { status: "lost", how, ...(from === undefined ? {} : { from }) };
}

export const onHost = (service: string): FlowVia => ({ service, on: "host" });
export const onOverlay = (service: string): FlowVia => ({ service, on: "overlay" });
export const published = (service: string, port: number, protocol: Protocol): FlowVia => ({
  service,
  on: "published",
  port,
  protocol,
});

/**
 * What the overlay side says once the service has left the host network for its other networks: who
 * reached it there still does, directly, and what it refers to resolves again.
 */
export function offTheHost(service: string): Pick<FlowReasoning, "reachedBy" | "reaches"> {
  return {
    reachedBy: () => kept("directly: the service is on its other networks now", [onOverlay(service)]),
    reaches: () => kept("the service keeps its overlay networks", [onOverlay(service)]),
  };
}

/** References of a host-network side rewritten to a port another service publishes, by the text written. */
export type RewiredReferences = ReadonlyMap<string, { service: string; port: number; protocol: Protocol }>;

/**
 * A reference made from the host network (`from`, when not the service itself), where overlay names
 * do not resolve: kept when it was rewritten to a published port, else lost with the way out.
 */
export function referenceFromHost(
  ref: Reference,
  rewired: RewiredReferences | undefined,
  dialect: Dialect,
  from?: string,
): Verdict {
  const target = rewired?.get(ref.text);
  if (!target) return lost(referenceLost(ref.service, ref.port, dialect), from);
  const where = dialect === "swarm" ? "on every node" : "on the host";
  const how = `reference rewritten to 127.0.0.1:${target.port}, which ${target.service} publishes ${where}`;
  return kept(how, [published(target.service, target.port, target.protocol)], from);
}

function referenceLost(service: string, port: number | undefined, dialect: Dialect): string {
  const what = port ? `${port} of ` : "the port of ";
  const fix = `publish ${what}"${service}" and refer to it as 127.0.0.1:PORT`;
  const names = dialect === "swarm" ? "Swarm names" : "Compose service names";
  return `${names} do not resolve on the host network; ${fix}`;
}

/** `LAN → adguard 53/udp: kept, published with mode: host ...` */
export function formatFlow(flow: Flow): string {
  return `${flow.from} → ${flow.to}: ${flow.status === "kept" ? `kept, ${flow.how}` : `LOST — ${flow.how}`}`;
}
