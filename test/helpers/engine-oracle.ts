import { parse } from "yaml";

export interface Expected {
  rule: string;
  service: string;
}

type Json = Record<string, unknown>;

/**
 * What the engine refuses, computed independently of stackmod from the file that
 * `docker stack config` prints (interpolated, merged, normalised: networks in map
 * form with resolved names, ports in long syntax). `dialect` says how the file is
 * deployed, as the test data states it.
 */
export function refusedByEngine(normalised: string, dialect: "swarm" | "compose"): Expected[] {
  const doc = (parse(normalised) ?? {}) as Json;
  const declared = (doc.networks ?? {}) as Record<string, Json | null>;
  const special = (key: string): string | undefined => {
    const decl = declared[key];
    if (!decl || !decl.external) return undefined;
    const name = (decl.name as string | undefined) ?? key;
    return name === "host" || name === "none" ? name : undefined;
  };
  const result: Expected[] = [];
  for (const [service, body] of Object.entries((doc.services ?? {}) as Record<string, Json>)) {
    const networks = Object.keys((body.networks ?? {}) as Json);
    const host = networks.filter((key) => special(key) === "host");
    const none = networks.filter((key) => special(key) === "none");
    if (host.length > 0 && networks.length > host.length) result.push({ rule: "host-plus-network", service });
    if (none.length > 0 && networks.length > none.length) result.push({ rule: "none-plus-network", service });
    const ports = (body.ports ?? []) as Json[];
    if (dialect === "swarm" && host.length > 0) {
      for (const port of ports)
        if ((port.mode ?? "ingress") === "ingress") result.push({ rule: "host-ingress-port", service });
    }
    if (body.network_mode !== undefined) {
      if (dialect === "compose" && body.networks !== undefined)
        result.push({ rule: "network-mode-with-networks", service });
      if (dialect === "swarm") result.push({ rule: "network-mode-in-stack", service });
    }
  }
  return sortExpected(result);
}

export function sortExpected(list: Expected[]): Expected[] {
  return [...list].sort((a, b) => a.service.localeCompare(b.service) || a.rule.localeCompare(b.rule));
}
