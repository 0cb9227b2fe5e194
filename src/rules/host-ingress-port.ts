import type { Node } from "yaml";
import type { ServiceModel } from "../model/types.js";
import type { Notes } from "../edit/notes.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import { connectToHostText, hostNetworkText, sharedNetworkText } from "./engine-texts.js";
import { networkCheckSources, swarmNetworkCheckEngines } from "./host-plus-network.js";
import { findingOf, type Rule } from "./rule.js";

/** Swarm attaches a service that publishes in ingress mode to the `ingress` network. */
export const hostIngressPort: Rule<"host-ingress-port"> = {
  id: "host-ingress-port",
  severity: "error",
  summary: "a host-network service publishes a port in ingress mode (Swarm then attaches it to the ingress network)",
  dialects: ["swarm"],
  engines: { swarm: swarmNetworkCheckEngines, compose: [] },
  loophole: true,
  // The same check as host-plus-network, so the same texts: engine 20.10 refused such a task with
  // hostNetworkText (test/e2e/audit.e2e.test.ts, auditbad_web).
  texts: [sharedNetworkText, connectToHostText, hostNetworkText],
  refusesTasks: true,
  docs: {
    full:
      "A Swarm service on the host network that publishes a port in ingress mode (the default) is attached " +
      "to the ingress network by swarmkit, " +
      "so its tasks hit the same start-time check as a second network.",
    help:
      "Run `stackmod rewrite FILE --write`: it drops the ingress port (the service already listens on the " +
      "host), or publish it with `mode: host`.",
    sources: networkCheckSources,
    fix: "drops the ingress ports",
  },
  check(service, model) {
    if (model.dialect !== "swarm") return [];
    if (!service.attachments.some((a) => a.network?.special === "host")) return [];
    return service.ports
      .filter((port) => port.mode === "ingress")
      .map((port) => {
        const shown = port.raw ?? `port ${port.target ?? "?"}`;
        return findingOf(
          this,
          service,
          port.position,
          `service "${service.name}" is on the host network and publishes ${shown} in ingress mode, ` +
            "which attaches it to the ingress network; drop the port (the service already listens on the host) " +
            "or use `mode: host`",
          sharedNetworkText.text,
        );
      });
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

/**
 * A host-network service listens on the host already; an ingress port would attach it to `ingress`.
 * The outbound proxy calls it too: the service it rewrites stays on the host network.
 */
export function dropIngressPorts(service: ServiceModel, edits: ServiceEdits, notes: Notes): void {
  const ingress = service.ports.filter((p) => p.mode === "ingress");
  if (ingress.length === 0) return;
  edits.removeFromList(
    service,
    "ports",
    ingress.map((p) => p.node as Node),
  );
  const list = ingress.map((p) => p.raw ?? String(p.target)).join(", ");
  notes.info(
    `${service.name}: dropped ingress port(s) ${list}: on the host network the service listens on the host directly`,
  );
}
