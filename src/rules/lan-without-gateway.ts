import { isMap, isScalar, isSeq, type Node } from "yaml";
import { fileFindingOf, onEngines, type Finding, type Rule } from "./rule.js";

const lanGatewaySource =
  'moby/moby#50929 (07453abab3 "macvlan, ipvlan-l2: only configure a default route when a gateway address is ' +
  'supplied"), ' +
  "first in docker-v29.0.0, not in v28.5.2";

/** A macvlan or ipvlan (l2) network without a gateway: from Engine 29 its containers get no default route. */
export const lanWithoutGateway: Rule<"lan-without-gateway"> = {
  id: "lan-without-gateway",
  severity: "warning",
  summary: "a macvlan or ipvlan (l2) network declared without a gateway: from Engine 29 no default route",
  dialects: ["swarm", "compose"],
  engines: onEngines([{ from: "29.0.0" }]),
  texts: [],
  tag: "engine-upgrade",
  docs: {
    full:
      "Up to Engine 28, a macvlan or ipvlan l2 network declared without `gateway` got one from IPAM (the " +
      "subnet's first address) " +
      "as its containers' default route. From 29.0.0 the engine configures a default route only when a " +
      "gateway is given: " +
      "containers on such a network reach their own subnet and nothing beyond it.",
    help:
      "Add the LAN's router to the network's `ipam.config` entries (`gateway: 192.168.50.1`), or, for the lan " +
      "strategy, `lan.gateway`.",
    sources: [lanGatewaySource],
  },
  check() {
    return [];
  },
  checkFile(model) {
    const findings: Finding<"lan-without-gateway">[] = [];
    const { resolver } = model;
    for (const network of model.networks.values()) {
      const body = network.entry.value;
      if (network.external || !isMap(body)) continue;
      const driver = resolver.get(body, "driver")?.value;
      const name = isScalar(driver) ? String(driver.value) : "";
      if (name !== "macvlan" && name !== "ipvlan") continue;
      const options = resolver.get(body, "driver_opts")?.value;
      const mode = isMap(options) ? resolver.get(options, "ipvlan_mode")?.value : undefined;
      if (name === "ipvlan" && isScalar(mode) && String(mode.value) === "l3") continue;
      const ipam = resolver.get(body, "ipam")?.value;
      const configs = isMap(ipam) ? resolver.get(ipam, "config")?.value : undefined;
      const entries = isSeq(configs) ? configs.items.map((item) => resolver.deref(item as Node)) : [];
      const missing = entries.length === 0 || entries.some((entry) => !isMap(entry) || !resolver.get(entry, "gateway"));
      if (!missing) continue;
      const at = model.positionOf(network.entry.pair.key as Node | null);
      findings.push(
        fileFindingOf(
          this,
          at,
          `network "${network.key}" (${name}) has no gateway: from Engine 29.0.0 its containers get no ` +
            `default route and reach only their own subnet (moby/moby#50929); add \`gateway:\` to its ` +
            "ipam.config",
        ),
      );
    }
    return findings;
  },
};
