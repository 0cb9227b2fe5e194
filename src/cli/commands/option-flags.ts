import { StackmodError } from "../../errors.js";
import { queueKindNames } from "../../strategies/split/queues/index.js";

/**
 * The rewrite flags that set an `x-stackmod` option, each defined once: its flag, its
 * help, and the option it sets (`queue.kind`). cli.ts registers them, cli-options.ts turns
 * their values into the options layer, and an invalid value is reported by its flag.
 */
export interface OptionFlag {
  /** As commander takes it: `--queue <kind>`. */
  flags: string;
  /** The property commander stores the value under. */
  attribute: string;
  description: string;
  /** The options it sets, as dotted paths. */
  sets: string[];
  repeatable?: boolean;
}

export const optionFlags: readonly OptionFlag[] = [
  {
    flags: "--strategy <name>",
    attribute: "strategy",
    description: "strategy for every conflicting service",
    sets: ["strategy"],
  },
  {
    flags: "--direction <direction>",
    attribute: "direction",
    description: "proxy: inbound or outbound",
    sets: ["proxy.direction"],
  },
  {
    flags: "--publish <mode>",
    attribute: "publish",
    description: "how the service publishes forwarded ports (proxy), or the queue its port (split): ingress or host",
    sets: ["proxy.publish", "queue.publish"],
  },
  {
    flags: "--queue <kind>",
    attribute: "queue",
    description: `split: the queue between collector and processor (${queueKindNames.join(", ")})`,
    sets: ["queue.kind"],
  },
  {
    flags: "--processor-constraint <expr>",
    attribute: "processorConstraint",
    description: "split: where the processor runs instead of the service's placement, e.g. 'node.role == manager'",
    sets: ["queue.processor.constraints"],
    repeatable: true,
  },
  {
    flags: "--lan-driver <driver>",
    attribute: "lanDriver",
    description: "lan: macvlan or ipvlan",
    sets: ["lan.driver"],
  },
  {
    flags: "--lan-parent <interface>",
    attribute: "lanParent",
    description: "lan: the parent interface on every node, e.g. eth0",
    sets: ["lan.parent"],
  },
  {
    flags: "--lan-subnet <cidr>",
    attribute: "lanSubnet",
    description: "lan: the LAN's subnet, e.g. 192.168.50.0/24",
    sets: ["lan.subnet"],
  },
  {
    flags: "--lan-gateway <ip>",
    attribute: "lanGateway",
    description: "lan: the LAN's gateway",
    sets: ["lan.gateway"],
  },
  {
    flags: "--lan-network <name>",
    attribute: "lanNetwork",
    description: "lan: the name of the swarm-scoped network",
    sets: ["lan.network"],
  },
  {
    flags: "--lan-range <node=cidr>",
    attribute: "lanRange",
    description: "lan: the addresses NODE hands out, e.g. node-a=192.168.50.192/28",
    sets: ["lan.ipRanges"],
    repeatable: true,
  },
  {
    flags: "--lan-ipvlan-mode <mode>",
    attribute: "lanIpvlanMode",
    description: "lan: ipvlan mode, l2 or l3",
    sets: ["lan.ipvlanMode"],
  },
  {
    flags: "--lan-script <path>",
    attribute: "lanScript",
    description: "lan: where the setup script goes, relative to the stack file's folder",
    sets: ["lan.script"],
  },
  {
    flags: "--port <service=port>",
    attribute: "port",
    description: "a port SERVICE receives on the host side, e.g. bacnet=47808/udp",
    sets: ["services.*.ports"],
    repeatable: true,
  },
];

/**
 * Every boolean flag of check and rewrite (all other options take exactly one value): the
 * next-step hint reads the command line with it. A new boolean flag is added here.
 */
export const booleanFlags: ReadonlySet<string> = new Set([
  "--write",
  "--check",
  "--stdout",
  "-q",
  "--quiet",
  "-v",
  "--verbose",
  "--color",
  "--no-color",
  "-h",
  "--help",
]);

const commandLine = { file: "<command line>", line: 1, column: 1 };

export function usageError(message: string): StackmodError {
  return new StackmodError("USAGE", message, commandLine);
}
