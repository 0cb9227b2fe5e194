import { StackmodError } from "../errors.js";
import type { ServiceModel } from "../model/types.js";
import type { PortRequest, Transform } from "../strategies/strategy.js";
import { readEvidence } from "../analysis/reading.js";
import type { ServiceAnalysis } from "../analysis/types.js";
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
      `it${refersText}. Choose: ${undecidedChoices(service, transforms)}`,
    service.position,
  );
}

/**
 * The ways out of UNDECIDED, each strategy's own words (`undecided`) in the registry's order: the ports
 * (and what they would choose), a strategy by name, or a choice of a strategy that needs no port.
 */
function undecidedChoices(service: ServiceModel, transforms: readonly Transform[]): string {
  const withPorts = transforms.flatMap((t) => t.undecided?.withPorts ?? []);
  const then = withPorts.length > 0 ? ` (then ${withPorts.join(", or ")})` : "";
  const choices = [
    `\`--port ${service.name}=PORT/PROTO\`${then}`,
    `\`--strategy ${transforms.map((t) => t.name).join("|")}\``,
    ...transforms.flatMap((t) => t.undecided?.instead ?? []),
  ];
  return `${choices.slice(0, -1).join(", ")}, or ${choices.at(-1)}`;
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
