import { dropIngressPorts } from "./fixes.js";
import { connectToHostText, hostNetworkText, sharedNetworkText } from "./engine-texts.js";
import { networkCheckSources, swarmNetworkCheckEngines } from "./host-plus-network.js";
import { findingOf, type Rule } from "./rule.js";

/** Swarm attaches a service that publishes in ingress mode to the `ingress` network. */
export const hostIngressPort: Rule = {
  id: "host-ingress-port",
  severity: "error",
  summary: "a host-network service publishes a port in ingress mode (Swarm then attaches it to the ingress network)",
  dialects: ["swarm"],
  engines: { swarm: swarmNetworkCheckEngines, compose: [] },
  // The same check as host-plus-network, so the same texts: engine 20.10 refused such a task with
  // hostNetworkText (test/e2e/audit.e2e.test.ts, auditbad_web).
  texts: [sharedNetworkText, connectToHostText, hostNetworkText],
  docs: {
    full:
      "A Swarm service on the host network that publishes a port in ingress mode (the default) is attached to the ingress network by swarmkit, " +
      "so its tasks hit the same start-time check as a second network.",
    help: "Run `stackmod rewrite FILE --write`: it drops the ingress port (the service already listens on the host), or publish it with `mode: host`.",
    sources: networkCheckSources,
    fix: "drops the ingress ports",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    if (!service.attachments.some((a) => a.network?.special === "host")) return [];
    return service.ports
      .filter((port) => port.mode === "ingress")
      .map((port) =>
        findingOf(
          this,
          service,
          port.position,
          `service "${service.name}" is on the host network and publishes ${port.raw ?? `port ${port.target ?? "?"}`} in ingress mode, which attaches it to the ingress network; drop the port (the service already listens on the host) or use \`mode: host\``,
          sharedNetworkText.text,
        ),
      );
  },
  fix: {
    runs: "default",
    pass: "network",
    apply({ service, edits, notes }) {
      dropIngressPorts(service, edits, notes);
      return true;
    },
  },
  supersededByStrategy: true,
};
