import { usageError } from "../../errors.js";
import type { StrategyFlag } from "../strategy.js";

/** The flags of `stackmod rewrite` that set lan's options, in the order `--help` lists them. */
export const lanFlags: readonly StrategyFlag[] = [
  { flags: "--lan-driver <driver>", attribute: "lanDriver", option: "driver", help: "macvlan or ipvlan" },
  {
    flags: "--lan-parent <interface>",
    attribute: "lanParent",
    option: "parent",
    help: "the parent interface on every node, e.g. eth0",
  },
  {
    flags: "--lan-subnet <cidr>",
    attribute: "lanSubnet",
    option: "subnet",
    help: "the LAN's subnet, e.g. 192.168.50.0/24",
  },
  { flags: "--lan-gateway <ip>", attribute: "lanGateway", option: "gateway", help: "the LAN's gateway" },
  {
    flags: "--lan-network <name>",
    attribute: "lanNetwork",
    option: "network",
    help: "the name of the swarm-scoped network",
  },
  {
    flags: "--lan-range <node=cidr>",
    attribute: "lanRange",
    option: "ipRanges",
    help: "the addresses NODE hands out, e.g. node-a=192.168.50.192/28",
    repeatable: true,
    read: lanRanges,
  },
  {
    flags: "--lan-ipvlan-mode <mode>",
    attribute: "lanIpvlanMode",
    option: "ipvlanMode",
    help: "ipvlan mode, l2 or l3",
  },
  {
    flags: "--lan-script <path>",
    attribute: "lanScript",
    option: "script",
    help: "where the setup script goes, relative to the stack file's folder",
  },
];

/** `--lan-range node-a=192.168.50.192/28 ...` as `lan.ipRanges`; the values are checked with the other options. */
function lanRanges(specs: string[]): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1)
      throw usageError(`--lan-range ${spec}: expected NODE=CIDR, e.g. node-a=192.168.50.192/28`);
    const node = spec.slice(0, eq);
    if (ranges[node] !== undefined)
      throw usageError(`--lan-range ${spec}: node ${node} already has the range ${ranges[node]}`);
    ranges[node] = spec.slice(eq + 1);
  }
  return ranges;
}
