import { engineErrors, findingOf, type Rule } from "./rule.js";

/** Swarm attaches a service that publishes in ingress mode to the `ingress` network. */
export const hostIngressPort: Rule = {
  id: "host-ingress-port",
  severity: "error",
  summary: "a host-network service publishes a port in ingress mode (Swarm then attaches it to the ingress network)",
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
          engineErrors.host,
        ),
      );
  },
};
