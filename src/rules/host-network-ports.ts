import { isSeq, type Node } from "yaml";
import { hostNetworked } from "../model/types.js";
import { portsDiscardedText } from "./engine-texts.js";
import { everyEngine } from "./engines.js";
import { findingOf, type Rule } from "./rule.js";

/** Ports on a host-network container are not published: the engine discards them with a warning. */
export const hostNetworkPorts: Rule<"host-network-ports"> = {
  id: "host-network-ports",
  severity: "warning",
  summary: "`ports:` on a host-network service are discarded (it listens on the host's ports directly)",
  dialects: ["compose"],
  engines: { swarm: [], compose: everyEngine },
  texts: [portsDiscardedText],
  docs: {
    full:
      "A container on the host network has no address of its own: the engine discards its port mappings " +
      '("Published ports are discarded when using host network mode"). The service listens on the host\'s ' +
      "ports as it binds them; " +
      "the `ports:` entries document nothing the engine does, and a number mapped to another (8080:80) does " +
      "not happen. " +
      "(In a stack file a port in ingress mode is worse: host-ingress-port; this rule looks at Compose files.)",
    help:
      "Run `stackmod rewrite FILE --fix host-network-ports`: it drops the discarded entries, as the rewrite " +
      "of a host-network " +
      "service already does for ingress ports. List the ports in `expose:` if you want them written down.",
    sources: [portsDiscardedText.source, "docs.docker.com/engine/network/drivers/host/"],
    fix: "drops the discarded `ports:` entries",
  },
  check(service, model) {
    // Compose only: in a stack file an ingress port is host-ingress-port's, and what the engine does with a
    // host-mode port of a host-network task was not measured here.
    if (model.dialect !== "compose" || !hostNetworked(service)) return [];
    // With networks: as well Compose refuses the service (network-mode-with-networks), and its rewrite takes it
    // off the host network, where the ports do publish.
    if (service.attachments.length > 0) return [];
    return service.ports.map((port) => {
      const target = port.target ?? "?";
      const shown = port.raw ?? `port ${target}`;
      return findingOf(
        this,
        service,
        port.position,
        `service "${service.name}" is on the host network, so the engine discards ${shown} ` +
          `("${portsDiscardedText.text}"); it listens on the host's port ${target} directly`,
      );
    });
  },
  fix: {
    runs: "asked",
    pass: "keys",
    apply({ model, service, findings, edits, notes }) {
      const entry = model.resolver.get(service.map, "ports");
      if (!entry || !isSeq(entry.value)) return false;
      const lines = new Set(findings.map((f) => `${f.line}:${f.column}`));
      const gone = service.ports.filter((p) => lines.has(`${p.position.line}:${p.position.column}`));
      edits.removeFromList(
        service,
        "ports",
        gone.map((p) => p.node as Node),
      );
      notes.info(
        `${service.name}: dropped ${gone.map((p) => p.raw ?? p.target).join(", ")} from ports: on the host ` +
          "network the engine discards them",
      );
      return true;
    },
  },
};
