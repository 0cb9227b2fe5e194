import type { ServiceModel } from "./model/types.js";
import { parseShortPort } from "./model/ports.js";
import type { PortRequest } from "./transform.js";

const traefikPort = /^traefik\.(?:http|tcp|udp)\.services\.[^.]+\.loadbalancer\.server\.port$/;

/**
 * Guesses the ports a service receives when the user gave none: a Traefik
 * `loadbalancer.server.port` label, then `expose:`, then its existing `ports:`.
 * The caller says in the report where they came from.
 */
export function discoverPorts(service: ServiceModel): { ports: PortRequest[]; source: string } {
  const fromLabels = labelEntries(service)
    .filter(([key]) => traefikPort.test(key))
    .map(
      ([key, value]) =>
        ({
          target: Number(value),
          published: undefined,
          protocol: key.startsWith("traefik.udp.") ? "udp" : "tcp",
        }) as PortRequest,
    )
    .filter((port) => Number.isInteger(port.target) && port.target > 0 && port.target <= 65535);
  if (fromLabels.length > 0) return { ports: unique(fromLabels), source: "its Traefik loadbalancer.server.port label" };

  const expose = Array.isArray(service.data.expose) ? service.data.expose : [];
  const fromExpose = expose
    .map((item) => parseShortPort(String(item)))
    .filter((p): p is PortRequest => p.target !== undefined)
    .map((p) => ({ target: p.target, published: undefined, protocol: p.protocol }));
  if (fromExpose.length > 0) return { ports: unique(fromExpose), source: "its `expose:` list" };

  const fromPorts = service.ports
    .filter((p) => p.target !== undefined)
    .map((p) => ({ target: p.target!, published: undefined, protocol: p.protocol }));
  if (fromPorts.length > 0) return { ports: unique(fromPorts), source: "its existing `ports:`" };
  return { ports: [], source: "" };
}

/** `deploy.labels` and `labels`, in list (`a=b`) or map form, as key/value pairs. */
export function labelEntries(service: ServiceModel): [string, string][] {
  const deploy = (service.data.deploy ?? {}) as Record<string, unknown>;
  return [deploy.labels, service.data.labels].flatMap((labels) => {
    if (Array.isArray(labels)) {
      return labels.map((item) => {
        const text = String(item);
        const eq = text.indexOf("=");
        return (eq === -1 ? [text, ""] : [text.slice(0, eq), text.slice(eq + 1)]) as [string, string];
      });
    }
    if (labels && typeof labels === "object") {
      return Object.entries(labels).map(([k, v]) => [k, String(v)] as [string, string]);
    }
    return [];
  });
}

function unique(ports: PortRequest[]): PortRequest[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const key = `${p.target}/${p.protocol}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
