import { StackmodError } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { CommonOptions, Notes, PortRequest, Transform } from "../strategies/strategy.js";
import { readEvidence } from "../analysis/reading.js";
import type { Placement } from "../analysis/flows.js";
import type { Protocol, ServiceAnalysis } from "../analysis/types.js";
import type { ResolvedOptions } from "./options.js";

export interface Decision {
  transform: Transform;
  /** Options of the strategy's block the decision fixes (proxy's direction), over its defaults. */
  options: Record<string, unknown>;
  reason: string;
}

/**
 * The strategy of one service: the one given (completed from the evidence where it says so), the one
 * an option given implies (proxy.direction), or the default from the evidence.
 */
export function decide(
  common: ResolvedOptions,
  facts: ServiceAnalysis,
  service: ServiceModel,
  transforms: readonly Transform[],
  origins: ReadonlyMap<string, string>,
): Decision {
  const given = common.explicitStrategy ? transforms.find((t) => t.name === common.strategy) : undefined;
  if (given) {
    const prefix = `${given.optionsKey}.`;
    const fields = new Set([...origins.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
    const completed = given.complete?.(readEvidence(facts), fields);
    if (completed) return { transform: given, options: completed.options, reason: completed.reason };
    return { transform: given, options: {}, reason: `strategy ${given.name} as given` };
  }
  if (common.implied) {
    const { transform, value } = common.implied;
    const option = transform.impliedBy!;
    const flag = transform.flags.find((f) => f.option === option)?.flags.split(" ")[0];
    const path = `${transform.optionsKey}.${option}${flag ? ` (${flag})` : ""}`;
    const reason = `${transform.name} ${String(value)}, as ${path} gives it`;
    return { transform, options: { [option]: value }, reason };
  }
  return chooseDefault(facts, service, transforms);
}

/**
 * The default per service, from the evidence: the first strategy of the registry that takes what it
 * reads. Nothing conclusive is an error listing the choices: never a silent guess.
 */
export function chooseDefault(
  facts: ServiceAnalysis,
  service: ServiceModel,
  transforms: readonly Transform[],
): Decision {
  const reading = readEvidence(facts);
  for (const transform of reading ? transforms : []) {
    const choice = transform.chooseFor?.(reading!);
    if (choice) return { transform, options: choice.options, reason: `default from the evidence: ${choice.reason}` };
  }
  const refers = [...new Set(facts.reaches.map((r) => r.service))];
  const refersText = refers.length > 0 ? ` (it refers to ${refers.join(", ")})` : "";
  throw new StackmodError(
    "UNDECIDED",
    `service "${service.name}" is on the host network and another network, and the file shows nothing that ` +
      "decides how to rewrite it: no port it receives (x-stackmod ports, --port, ports:, expose:), no " +
      "broadcast or multicast use, nobody on the overlay naming " +
      `it${refersText}. Choose: \`--port ` +
      `${service.name}=PORT/PROTO\` (then publish, or proxy for broadcasts), \`--strategy ` +
      `${transforms.map((t) => t.name).join("|")}\`, or \`--direction outbound\` to keep it on the host`,
    service.position,
  );
}

/** The ports a strategy works with when none were given: its own choice, else the host ports. */
export function portsFor(
  transform: Transform,
  options: unknown,
  facts: ServiceAnalysis,
): { ports: PortRequest[]; source: string } {
  const own = transform.portsFor?.(options, facts);
  if (own) return own;
  const host = facts.hostPorts.map((p) => ({ target: p.port, published: undefined, protocol: p.protocol }));
  return { ports: host, source: facts.hostPortsSource };
}

/** Where the strategy put the service's traffic, for the flow report. */
export function placementFor(
  transform: Transform,
  options: unknown,
  model: StackModel,
  service: ServiceModel,
  common: CommonOptions,
  rewritten: Placement["rewritten"],
): Placement {
  const direction = transform.direction?.(options);
  const placement: Placement = {
    strategy: transform.name,
    dialect: model.dialect,
    ...(direction ? { direction } : {}),
  };
  Object.assign(placement, transform.placement?.(options, service, common.ports));
  if (rewritten) placement.rewritten = rewritten;
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
  // Only an inbound proxy publishes in ingress mode what was a host port before.
  if (model.dialect !== "swarm" || placement.publish !== "ingress") return;
  const ports: string[] = [];
  for (const port of common.ports) {
    const key = `${port.target}/${port.protocol}`;
    const published = placement.meshed?.has(key) ? undefined : placement.forwarded?.get(key);
    if (published) ports.push(`${published}/${port.protocol as Protocol}`);
  }
  if (ports.length === 0) return;
  const are = ports.length > 1 ? "are" : "is";
  const them = ports.length > 1 ? "them" : "it";
  notes.warn(
    `${service.name}: new exposure: ${ports.join(", ")} ${are} now published in ` +
      "ingress mode, on every node of the swarm, to anyone who reaches a node (before, only the host ports of " +
      `its own node); pass --publish host (proxy.publish: host) to serve ${them} ` +
      "only on the node that runs it",
  );
}
