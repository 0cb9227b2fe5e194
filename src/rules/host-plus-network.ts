import { engineErrors, type Rule } from "./rule.js";

export const hostPlusNetwork: Rule = {
  id: "host-plus-network",
  severity: "error",
  summary: "a service is attached to the host network and to another network",
  check(service) {
    const host = service.attachments.find((a) => a.network?.special === "host");
    const others = service.attachments.filter((a) => a.network?.special !== "host");
    if (!host || others.length === 0) return [];
    return [
      {
        ...host.position,
        rule: this.id,
        severity: this.severity,
        service: service.name,
        message: `service "${service.name}" is on the host network ("${host.key}") and on ${others.map((a) => `"${a.key}"`).join(", ")}; Docker Engine 28+ refuses to start it`,
        engineError: engineErrors.host,
      },
    ];
  },
};
