import type { ServiceModel } from "../../model/types.js";

/**
 * Ports a service mentions without declaring them, for the NO_PORT message: variables
 * named like a port (`BACNET_PORT: 47808`), `--port N` / `-p N` / `:N` in its command,
 * entrypoint and healthcheck. Only a suggestion: the user confirms them in `ports:`.
 */
function mentionedPorts(service: ServiceModel): string[] {
  const found = new Set<string>();
  const add = (value: unknown, hint: string) => {
    const port = Number(value);
    if (Number.isInteger(port) && port > 0 && port <= 65535)
      found.add(/udp/i.test(hint) ? `${port}/udp` : String(port));
  };
  for (const [key, value] of environmentEntries(service.data.environment)) {
    if (/(^|_)PORT($|_)/i.test(key) && /^\d{1,5}$/.test(value.trim())) add(value.trim(), key);
  }
  const healthcheck = (service.data.healthcheck ?? {}) as Record<string, unknown>;
  for (const words of [service.data.command, service.data.entrypoint, healthcheck.test]) {
    const text = Array.isArray(words) ? words.map(String).join(" ") : typeof words === "string" ? words : "";
    for (const match of text.matchAll(/(?:--port[= ]|-p |(?<![\w.]):)(\d{1,5})\b(\/udp)?/gi))
      add(match[1], match[2] ?? "");
  }
  return [...found];
}

function environmentEntries(environment: unknown): [string, string][] {
  if (Array.isArray(environment)) {
    return environment.map((item) => {
      const text = String(item);
      const eq = text.indexOf("=");
      return (eq === -1 ? [text, ""] : [text.slice(0, eq), text.slice(eq + 1)]) as [string, string];
    });
  }
  if (environment && typeof environment === "object")
    return Object.entries(environment).map(([k, v]) => [k, v === null ? "" : String(v)] as [string, string]);
  return [];
}

/** The NO_PORT message: what to add, from the ports the service mentions, and the other ways out. */
export function noPortMessage(service: ServiceModel): string {
  const mentioned = mentionedPorts(service);
  const quoted = mentioned.map((p) => (/^\d+$/.test(p) ? p : JSON.stringify(p)));
  const add =
    mentioned.length > 0
      ? `it mentions ${mentioned.join(", ")}: if it receives those, add \`x-stackmod: {ports: ` +
        `[${quoted.join(", ")}]}\` to the service, or pass --port ${service.name}=${mentioned[0]}`
      : `add \`x-stackmod: {ports: [PORT]}\` to the service (e.g. 502 or "47808/udp"), or pass --port ` +
        `${service.name}=PORT/PROTO`;
  return (
    `service "${service.name}" needs the ports it receives on the host side for the proxy strategy, and none ` +
    `could be found (no x-stackmod ports, --port, Traefik port label, expose: or ports:); ${add}; other ways ` +
    "out: --strategy split or --strategy lan need no ports, --strategy skip leaves the service as it is"
  );
}
