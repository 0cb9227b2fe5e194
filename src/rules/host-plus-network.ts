import type { EngineRange } from "./engines.js";
import { connectToHostText, hostNetworkText, sharedNetworkText } from "./engine-texts.js";
import type { Rule } from "./rule.js";
import { specialNetworkWithOthers } from "./special-network-with-others.js";

/**
 * Swarm tasks: refused up to 24.x and again from 28.0.0; 25.x-27.x let them through
 * because their network settings were only updated when there were none yet.
 */
export const swarmNetworkCheckEngines: readonly EngineRange[] = [{ until: "25.0.0" }, { from: "28.0.0" }];

export const rewriteHelp =
  "Run `stackmod rewrite FILE` to see the fix as a diff and `stackmod rewrite FILE --write` to apply it. " +
  "Choose the strategy with `x-stackmod: {strategy: proxy|split|lan}` on the service or `--strategy`; " +
  'list the host-side ports with `x-stackmod: {ports: ["47808/udp"]}` or `--port SERVICE=47808/udp`.';

export const networkCheckSources = [
  "moby/moby daemon/container_operations.go updateNetworkSettings at v27.5.1 and v28.0.0 (same check; " +
    'a715ccaaa3 "Unconditionally update NetworkSettings", first in v28.0.0, makes every container start run it)',
  "moby/moby#49716 (reported against 28.0.4, closed as intended)",
] as const;

export const hostPlusNetwork: Rule<"host-plus-network"> = {
  id: "host-plus-network",
  severity: "error",
  summary: "a service is attached to the host network and to another network",
  dialects: ["swarm", "compose"],
  engines: { swarm: swarmNetworkCheckEngines, compose: [{}] },
  loophole: true,
  texts: [sharedNetworkText, connectToHostText, hostNetworkText],
  refusesTasks: true,
  docs: {
    full:
      "A container that shares the host's network namespace cannot be connected to any other network. " +
      "Docker Engine 28.0.0 and later check this when each container starts, so the Swarm task or Compose " +
      "container never starts. " +
      "Engines 25.x-27.x let Swarm tasks through by a loophole; engines up to 24.x refused them too.",
    help: rewriteHelp,
    sources: networkCheckSources,
    fix: "the service's strategy (proxy, split, lan, publish)",
  },
  check(service) {
    return specialNetworkWithOthers(
      this,
      service,
      "host",
      "Docker Engine 28+ refuses to start it",
      sharedNetworkText.text,
    );
  },
  fix: {
    runs: "default",
    pass: "network",
    // Host beside none alone loses none (none-plus-network's fix) and needs no strategy.
    strategy: (service) => service.attachments.some((a) => a.network !== undefined && a.network.special === undefined),
  },
};
