import type { RuleId } from "../rules/rule.js";

export interface RuleDoc {
  /** What the engine or Compose does with such a file. */
  full: string;
  /** What to do about it: the command and the option. */
  help: string;
}

const rewriteHelp =
  "Run `stackmod rewrite FILE` to see the fix as a diff and `stackmod rewrite FILE --write` to apply it. " +
  "Choose the strategy with `x-stackmod: {strategy: proxy|split|lan}` on the service or `--strategy`; " +
  'list the host-side ports with `x-stackmod: {ports: ["47808/udp"]}` or `--port SERVICE=47808/udp`.';

/** The long texts of each rule, for SARIF rules and the README. */
export const ruleDocs: Record<RuleId, RuleDoc> = {
  "host-plus-network": {
    full:
      "A container that shares the host's network namespace cannot be connected to any other network. " +
      "Docker Engine 28.0.0 and later check this when each container starts, so the Swarm task or Compose container never starts.",
    help: rewriteHelp,
  },
  "none-plus-network": {
    full:
      "A container on the none network cannot be connected to any other network; the engine refuses it at start. " +
      "The none network adds nothing next to another network.",
    help: "Run `stackmod rewrite FILE --write`: it drops `none` from the service's networks.",
  },
  "host-ingress-port": {
    full:
      "A Swarm service on the host network that publishes a port in ingress mode (the default) is attached to the ingress network by swarmkit, " +
      "so its tasks hit the same start-time check as a second network.",
    help: "Run `stackmod rewrite FILE --write`: it drops the ingress port (the service already listens on the host), or publish it with `mode: host`.",
  },
  "network-mode-with-networks": {
    full: "In a Compose file, `network_mode` and `networks` are mutually exclusive: Compose refuses the whole file.",
    help: rewriteHelp,
  },
  "network-mode-in-stack": {
    full: '`docker stack deploy` ignores `network_mode` ("Ignoring unsupported options: network_mode"), so the service does not get the network the file asks for.',
    help: "For the host network in a stack file, attach an external network whose name is `host` instead of `network_mode: host`.",
  },
};
