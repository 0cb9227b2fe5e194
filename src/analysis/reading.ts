import { StackmodError } from "../errors.js";
import type { ServiceModel } from "../model/types.js";
import type { Evidence, ServiceAnalysis } from "./types.js";

/** The strategy the evidence points to, and why. */
export interface Choice {
  strategy: "publish" | "proxy";
  direction: "inbound" | "outbound" | undefined;
  /** One line for the report: the rule that decided and the evidence, with positions. */
  reason: string;
}

const where = (e: Evidence) => `${e.path} at line ${e.position.line}`;

/** What the evidence says the service does, most binding first: the base of both the default and a proxy's direction. */
type Reading =
  | { kind: "sends"; reason: string }
  | { kind: "receives"; reason: string }
  | { kind: "overlay"; reason: string }
  | { kind: "unicast"; list: string; from: string; reason: string };

function readEvidence(analysis: ServiceAnalysis): Reading | undefined {
  const sends = analysis.lan.filter((u) => u.kind === "sends" && !u.implied);
  if (sends.length > 0) {
    return {
      kind: "sends",
      reason: `it keeps the host network: ${sends.map((u) => `${u.what} (${where(u.evidence)})`).join("; ")}`,
    };
  }
  const receives = analysis.lan.filter((u) => u.kind === "receives");
  if (receives.length > 0) {
    const what = receives.map((u) => `${u.what} on ${u.port}/udp (${where(u.evidence)})`).join("; ");
    return { kind: "receives", reason: `it receives ${what}` };
  }
  if (analysis.hostPorts.length > 0) {
    const list = analysis.hostPorts.map((p) => `${p.port}/${p.protocol}`).join(", ");
    const from = `from ${analysis.hostPortsSource}, ${where(analysis.hostPorts[0]!.evidence)}`;
    return { kind: "unicast", list, from, reason: `unicast listeners only: ${list} (${from})` };
  }
  if (analysis.reachedBy.length > 0) {
    const peers = analysis.reachedBy.map((p) => `${p.from}${p.port ? ` at ${p.port}` : ""} (${where(p.evidence)})`);
    return {
      kind: "overlay",
      reason: `no port it receives on the host is known, and the overlay reaches it: ${peers.join("; ")}`,
    };
  }
  return undefined;
}

/**
 * The default per service, from the evidence: it sends or joins broadcast/multicast (or needs the
 * host's stack) → proxy outbound; it receives broadcasts on a known port → proxy inbound; unicast
 * listeners only → publish; no host port, reached on the overlay only → proxy outbound. Nothing
 * conclusive is an error listing the choices: never a silent guess.
 */
export function chooseDefault(analysis: ServiceAnalysis, service: ServiceModel): Choice {
  const reading = readEvidence(analysis);
  if (reading?.kind === "receives") {
    return {
      strategy: "proxy",
      direction: "inbound",
      reason: `${reading.reason}, which a published port does not deliver with the sender's address; a host-network proxy does`,
    };
  }
  if (reading?.kind === "unicast") return { strategy: "publish", direction: undefined, reason: reading.reason };
  if (reading) return { strategy: "proxy", direction: "outbound", reason: reading.reason };
  throw new StackmodError(
    "UNDECIDED",
    `service "${service.name}" is on the host network and another network, and the file shows nothing that decides how to rewrite it: no port it receives (x-stackmod ports, --port, ports:, expose:), no broadcast or multicast use, nobody on the overlay naming it${analysis.reaches.length > 0 ? ` (it refers to ${[...new Set(analysis.reaches.map((r) => r.service))].join(", ")})` : ""}. Choose: \`--port ${service.name}=PORT/PROTO\` (then publish, or proxy for broadcasts), \`--strategy publish|proxy|split|lan\`, or \`--direction outbound\` to keep it on the host`,
    service.position,
  );
}

/**
 * The direction of a proxy given without one (`strategy: proxy`, no `direction`), from the same evidence
 * as the default: it sends or joins broadcast/multicast, or only the overlay reaches it → outbound (the
 * service keeps the host network); it receives broadcasts, or unicast on known host ports → inbound (a
 * host-network proxy forwards them). Undefined when nothing decides: proxy.direction's default holds.
 */
export function chooseDirection(
  analysis: ServiceAnalysis,
): { direction: "inbound" | "outbound"; reason: string } | undefined {
  const reading = readEvidence(analysis);
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
