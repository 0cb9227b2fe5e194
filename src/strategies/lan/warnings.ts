import { formatAddress, parseCidr } from "./ipv4.js";
import type { LanNetwork } from "./setup-script.js";

/** What a user must know before relying on a macvlan/ipvlan network; said once per network. */
export function networkWarnings(network: LanNetwork, dialect: "swarm" | "compose"): string[] {
  const warnings: string[] = [];
  const ranges = network.ipRanges.map((r) => r.range);
  const l3 = network.driver === "ipvlan" && network.ipvlanMode === "l3";
  if (l3) {
    const routes =
      network.ipRanges.length > 0
        ? network.ipRanges.map((r) => `${r.range} via ${r.node}`).join(", ")
        : `${network.subnet} via the node`;
    warnings.push(
      `${network.name}: ipvlan l3 routes instead of bridging: the LAN's router needs a route to each node's ` +
        `addresses through that node (${routes}), and broadcast and multicast do not cross it`,
    );
  } else {
    const shim = `${network.driver}-shim`;
    const mode = network.driver === "macvlan" ? "macvlan mode bridge" : "ipvlan mode l2";
    const destination = ranges.length > 0 ? "THIS_NODE_RANGE" : "CONTAINER_ADDRESS/32";
    const outside = ranges.length > 0 ? ` outside ${ranges.join(", ")}` : "";
    warnings.push(
      `${network.name}: a node cannot reach its own ${network.driver} containers through ${network.parent} ` +
        "(the kernel does not loop that traffic back); if the node itself must talk to them, add a shim on the " +
        "node: " +
        `ip link add ${shim} link ${network.parent} type ${mode}; ip addr add FREE_ADDRESS/32 dev ${shim}; ` +
        `ip link set ${shim} up; ip route add ${destination} dev ${shim} ` +
        `(FREE_ADDRESS: an unused address of ${network.subnet}${outside})`,
    );
  }
  const excluded =
    ranges.length > 0 ? ranges.join(", ") : "the addresses Docker gives out (set lan.ipRanges to choose them)";
  warnings.push(
    `${network.name}: if a DHCP server hands out addresses on ${network.subnet}, exclude ${excluded} ` +
      "from its pool, or two devices will get the same address",
  );
  if (dialect === "swarm") {
    if (ranges.length === 0) {
      warnings.push(
        `${network.name}: no lan.ipRanges: every node hands out addresses from the whole of ` +
          `${network.subnet}, so with more than one node two tasks can get the same address; give each node ` +
          "its own range (--lan-range NODE=CIDR)",
      );
    }
    warnings.push(
      `${network.name}: Swarm's routing mesh and service VIPs do not carry traffic on ${network.driver} ` +
        "networks (its swarm scope only gathers each node's own configuration, moby/moby#32981): on " +
        `${network.name} each task is reached at its own LAN address, and other services reach it by name over ` +
        "its other networks",
    );
  }
  if (network.gateway === undefined && !l3) {
    // moby/moby#50929 (first in docker-v29.0.0): macvlan and ipvlan l2 configure a default route only for a
    // gateway given at creation; before, Docker picked the subnet's first address from IPAM as the gateway.
    const subnet = parseCidr(network.subnet)!.cidr;
    warnings.push(
      `${network.name}: no lan.gateway: from Engine 29 a ${network.driver} container gets no default route ` +
        `without one (moby/moby#50929), so it reaches only ${network.subnet}; engines before 29 took ` +
        `${formatAddress(subnet.base + 1)} as the gateway, router or not. Set lan.gateway to the LAN's router`,
    );
  }
  return warnings;
}
