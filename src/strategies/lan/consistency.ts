import { StackmodError, type SourcePosition } from "../../errors.js";
import {
  containsAddress,
  containsBlock,
  formatAddress,
  lastAddress,
  overlaps,
  parseAddress,
  parseCidr,
  type Cidr,
} from "./ipv4.js";

/** The lan values after the per-value checks, with where each one came from. */
export interface LanValues {
  subnet: { text: string; at: SourcePosition };
  gateway: { text: string; at: SourcePosition } | undefined;
  ipRanges: { node: string; text: string; at: SourcePosition }[];
}

/**
 * The checks between values: the gateway inside the subnet and not its network or
 * broadcast address, every range inside the subnet, no two ranges overlapping.
 * The first problem is an error at the value at fault.
 */
export function checkConsistency(values: LanValues): void {
  const subnet = parseCidr(values.subnet.text)!.cidr;
  if (values.gateway) {
    const gateway = parseAddress(values.gateway.text)!;
    if (!containsAddress(subnet, gateway)) {
      fail(
        `the gateway ${values.gateway.text} is outside the subnet ${subnet.text} (${range(subnet)})`,
        values.gateway.at,
      );
    }
    if (subnet.prefix < 31 && (gateway === subnet.base || gateway === lastAddress(subnet))) {
      const what = gateway === subnet.base ? "network" : "broadcast";
      fail(
        `the gateway ${values.gateway.text} is the ${what} address of the subnet ${subnet.text}; give the ` +
          "router's address",
        values.gateway.at,
      );
    }
  }
  const seen: { node: string; cidr: Cidr }[] = [];
  for (const entry of values.ipRanges) {
    const cidr = parseCidr(entry.text)!.cidr;
    if (!containsBlock(subnet, cidr)) {
      fail(
        `the IP range ${entry.text} of node "${entry.node}" is not inside the subnet ${subnet.text} (${range(subnet)})`,
        entry.at,
      );
    }
    const clash = seen.find((other) => overlaps(other.cidr, cidr));
    if (clash) {
      fail(
        `the IP range ${entry.text} of node "${entry.node}" overlaps ${clash.cidr.text} of node ` +
          `"${clash.node}"; each node needs its own addresses`,
        entry.at,
      );
    }
    seen.push({ node: entry.node, cidr });
  }
}

function range(cidr: Cidr): string {
  return `${formatAddress(cidr.base)}-${formatAddress(lastAddress(cidr))}`;
}

function fail(message: string, at: SourcePosition): never {
  throw new StackmodError("BAD_OPTION", `lan: ${message}`, at);
}
