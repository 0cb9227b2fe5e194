import { engineErrors, type Rule } from "./rule.js";

export const nonePlusNetwork: Rule = {
  id: "none-plus-network",
  severity: "error",
  summary: "a service is attached to the none network and to another network",
  check(service) {
    const none = service.attachments.find((a) => a.network?.special === "none");
    const others = service.attachments.filter((a) => a.network?.special !== "none");
    if (!none || others.length === 0) return [];
    return [
      {
        ...none.position,
        rule: this.id,
        severity: this.severity,
        service: service.name,
        message: `service "${service.name}" is on the none network ("${none.key}") and on ${others.map((a) => `"${a.key}"`).join(", ")}; the engine refuses to start it`,
        engineError: engineErrors.none,
      },
    ];
  },
};
