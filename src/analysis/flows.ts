import type { Protocol, ServiceAnalysis } from "./types.js";

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

/** Where the strategy put things, as the flows need to name them. */
export interface Placement {
  strategy: string;
  direction?: "inbound" | "outbound";
  dialect: "swarm" | "compose";
  /** proxy inbound: the published port each forwarded port goes to, by `PORT/PROTO`. */
  forwarded?: Map<string, number>;
  /** proxy inbound, Swarm: ports the service already publishes in ingress mode (no forwarder), and at which port. */
  meshed?: Map<string, number>;
  /** proxy inbound: how the forwarded ports are published. */
  publish?: "ingress" | "host";
  /** proxy outbound: the ports the overlay proxy carries, by `PORT/PROTO`. */
  carried?: Set<string>;
  /** proxy outbound (the service), split (its collector): references rewritten to a published port, by text. */
  rewritten?: Map<string, { service: string; port: number; protocol: Protocol }>;
}

const lostBroadcastIn =
  "a published port gets a broadcast only through docker-proxy, with the sender's address replaced, and not " +
  "at all with userland-proxy: false; use --strategy proxy (inbound)";
const lostSending = (name: string) =>
  `off the host network ${name} cannot send or join it on the LAN; use --direction outbound or --strategy lan`;

/** The flows of one rewritten service: each one the analysis found, kept (and how) or lost (and why). */
export function flowsOf(a: ServiceAnalysis, at: Placement, where: { line: number; column: number }): Flow[] {
  const name = a.service;
  const { line, column } = where;
  const flows: Flow[] = [];
  const kept = (from: string, to: string, how: string, via: FlowVia[]) =>
    flows.push({ service: name, from, to, status: "kept", how, via, line, column });
  const lost = (from: string, to: string, how: string) =>
    flows.push({ service: name, from, to, status: "lost", how, via: [], line, column });
  const onHost = (who = name): FlowVia => ({ service: who, on: "host" });
  const onOverlay = (who = name): FlowVia => ({ service: who, on: "overlay" });
  const proxyName = `${name}-proxy`;
  const collector = `${name}-collector`;
  const processor = `${name}-processor`;

  for (const port of a.hostPorts) {
    const to = `${name} ${port.port}${port.rangeEnd ? `-${port.rangeEnd}` : ""}/${port.protocol}`;
    const key = `${port.port}/${port.protocol}`;
    const published = (port: number, protocol: Protocol, who = name): FlowVia => ({
      service: who,
      on: "published",
      port,
      protocol,
    });
    if (at.strategy === "publish") {
      const ports = `${port.port}${port.rangeEnd ? `-${port.rangeEnd}` : ""}/${port.protocol}`;
      const how =
        at.dialect === "swarm"
          ? `published with mode: host at ${ports} on the node that runs it; clients keep their own address`
          : `published at ${ports}; clients keep their own address`;
      kept("LAN", to, how, [published(port.port, port.protocol)]);
    } else if (at.strategy === "proxy" && at.direction === "inbound") {
      const target = at.forwarded?.get(key);
      if (target === undefined) lost("LAN", to, `not forwarded: add ${key} to the service's x-stackmod ports`);
      else if (target === 0)
        kept("LAN", to, "published by the service itself at that port", [published(port.port, port.protocol)]);
      else
        kept(
          "LAN",
          to,
          `via ${proxyName} on the host network to 127.0.0.1:${target}; the service sees the proxy's ` +
            "address, not the client's",
          [onHost(proxyName), published(target, port.protocol)],
        );
    } else if (at.strategy === "proxy") kept("LAN", to, "service stays on the host", [onHost()]);
    else if (at.strategy === "split") kept("LAN", to, `by ${collector} on the host network`, [onHost(collector)]);
    else if (at.strategy === "lan")
      kept("LAN", to, "at the service's own address on the LAN network (not the node's address: point clients there)", [
        onOverlay(),
      ]);
  }

  for (const use of a.lan) {
    const port = use.port !== undefined ? ` ${use.port}/${use.protocol ?? "udp"}` : "";
    const [from, to] = use.kind === "receives" ? ["LAN broadcast", `${name}${port}`] : [name, `LAN: ${use.what}`];
    if (at.strategy === "publish") lost(from, to, use.kind === "receives" ? lostBroadcastIn : lostSending(name));
    else if (at.strategy === "proxy" && at.direction === "inbound") {
      if (use.kind === "receives")
        kept(
          from,
          to,
          `${proxyName} on the host network receives it and forwards it; the service sees the proxy's address`,
          [onHost(proxyName)],
        );
      else
        lost(
          from,
          to,
          `a proxy cannot send broadcasts or join groups for it; use --direction outbound or --strategy lan`,
        );
    } else if (at.strategy === "proxy") kept(from, to, "service stays on the host", [onHost()]);
    else if (at.strategy === "split") kept(from, to, `by ${collector} on the host network`, [onHost(collector)]);
    else if (at.strategy === "lan") kept(from, to, "on the LAN network, at its own address", [onOverlay()]);
  }

  for (const peer of a.reachedBy) {
    const to = `${name}${peer.port ? `:${peer.port}` : ""}`;
    if (at.strategy === "proxy" && at.direction === "outbound") {
      const carried =
        peer.port === undefined ? (at.carried?.size ?? 0) > 0 : at.carried?.has(`${peer.port}/${peer.protocol}`);
      if (carried)
        kept(peer.from, to, `via ${proxyName} on the same node, which answers as "${name}"`, [onOverlay(proxyName)]);
      else
        lost(
          peer.from,
          to,
          `${proxyName} does not carry ${peer.port}/${peer.protocol}; add it to the service's x-stackmod ports`,
        );
    } else if (at.strategy === "split")
      kept(peer.from, to, `${processor} keeps the name "${name}" on the overlay`, [onOverlay(processor)]);
    else kept(peer.from, to, "directly: the service is on its other networks now", [onOverlay()]);
  }

  const publishedWhere = at.dialect === "swarm" ? "on every node" : "on the host";
  for (const ref of a.reaches) {
    const to = ref.text;
    if (at.strategy === "proxy" && at.direction === "outbound") {
      const target = at.rewritten?.get(ref.text);
      if (target)
        kept(
          name,
          to,
          `reference rewritten to 127.0.0.1:${target.port}, which ${target.service} publishes ${publishedWhere}`,
          [{ service: target.service, on: "published", port: target.port, protocol: target.protocol }],
        );
      else lost(name, to, referenceLost(ref.service, ref.port));
    } else if (at.strategy === "split") {
      kept(name, to, `from ${processor} on the overlay`, [onOverlay(processor)]);
      // The collector is a copy of the service on the host network: its references are rewritten or lost.
      const target = at.rewritten?.get(ref.text);
      if (target)
        flows.push({
          service: name,
          from: collector,
          to,
          status: "kept",
          how: `reference rewritten to 127.0.0.1:${target.port}, which ${target.service} publishes ${publishedWhere}`,
          via: [{ service: target.service, on: "published", port: target.port, protocol: target.protocol }],
          line,
          column,
        });
      else
        flows.push({
          service: name,
          from: collector,
          to,
          status: "lost",
          how: referenceLost(ref.service, ref.port),
          via: [],
          line,
          column,
        });
    } else kept(name, to, "the service keeps its overlay networks", [onOverlay()]);
  }
  return flows;
}

function referenceLost(service: string, port: number | undefined): string {
  const what = port ? `${port} of ` : "the port of ";
  const fix = `publish ${what}"${service}" and refer to it as 127.0.0.1:PORT`;
  return `Swarm names do not resolve on the host network; ${fix}`;
}

/** `LAN → adguard 53/udp: kept, published with mode: host ...` */
export function formatFlow(flow: Flow): string {
  return `${flow.from} → ${flow.to}: ${flow.status === "kept" ? `kept, ${flow.how}` : `LOST — ${flow.how}`}`;
}
