import type { Plain } from "../../edit/render.js";
import type { LanNetwork } from "./setup-script.js";

/**
 * The top-level `networks:` entry. A stack file references the swarm-scoped
 * network that the setup script creates; Compose creates the network itself from
 * an inline definition, on its one host.
 */
export function networkBody(network: LanNetwork, dialect: "swarm" | "compose"): Plain {
  if (dialect === "swarm") return { external: true };
  const driverOpts: Record<string, Plain> = { parent: network.parent };
  if (network.driver === "ipvlan") driverOpts.ipvlan_mode = network.ipvlanMode ?? "l2";
  const pool: Record<string, Plain> = { subnet: network.subnet };
  if (network.gateway !== undefined) pool.gateway = network.gateway;
  if (network.ipRanges.length === 1) pool.ip_range = network.ipRanges[0]!.range;
  return { driver: network.driver, driver_opts: driverOpts, ipam: { config: [pool] } };
}
