import type { ServiceModel, StackModel } from "../model/types.js";
import { evidenceOf, scalarsUnder, type ScalarAt } from "./scan.js";
import type { OverlayPeer } from "./types.js";

const traefikPort = /^traefik\.(http|tcp|udp)\.services\.[^.]+\.loadbalancer\.server\.port$/;
const caddyUpstream = /^caddy(?:_\d+)?(?:\.\d+_)?\.reverse_proxy$/;

/**
 * The reverse proxies that route to the service by its labels (Traefik's Docker/Swarm provider,
 * caddy-docker-proxy). They reach it on the overlay, at the label's port: evidence for the
 * overlay side, never for the ports it receives on the host.
 */
export function reverseProxiesOf(model: StackModel, service: ServiceModel): OverlayPeer[] {
  const labels = [...scalarsUnder(model, service.map, "labels"), ...deployLabels(model, service)];
  const peers: OverlayPeer[] = [];
  let traefikEnabled: ScalarAt | undefined;
  let caddySite: ScalarAt | undefined;
  for (const at of labels) {
    const { key, value } = label(at);
    const traefik = traefikPort.exec(key);
    if (traefik) {
      const port = Number(value);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
      const protocol = traefik[1] === "udp" ? "udp" : "tcp";
      peers.push({ from: "traefik", kind: "reverse-proxy", port, protocol, evidence: evidenceOf(model, at, at.value) });
    } else if (key === "traefik.enable" && value.trim() === "true") {
      traefikEnabled = at;
    } else if (caddyUpstream.test(key)) {
      const port = /\{\{\s*upstreams\s+(?:https?\s+)?(\d{1,5})\s*\}\}/.exec(value);
      const evidence = evidenceOf(model, at, at.value);
      peers.push({
        from: "caddy",
        kind: "reverse-proxy",
        port: port ? Number(port[1]) : undefined,
        protocol: "tcp",
        evidence,
      });
    } else if (/^caddy(?:_\d+)?$/.test(key)) {
      caddySite = at;
    }
  }
  const has = (from: string) => peers.some((p) => p.from === from);
  if (traefikEnabled && !has("traefik"))
    peers.push(unknownPort("traefik", evidenceOf(model, traefikEnabled, traefikEnabled.value)));
  if (caddySite && !has("caddy")) peers.push(unknownPort("caddy", evidenceOf(model, caddySite, caddySite.value)));
  return peers;
}

function unknownPort(from: string, evidence: OverlayPeer["evidence"]): OverlayPeer {
  return { from, kind: "reverse-proxy", port: undefined, protocol: "tcp", evidence };
}

function deployLabels(model: StackModel, service: ServiceModel): ScalarAt[] {
  return scalarsUnder(model, service.map, "deploy").filter((at) => at.path.startsWith("deploy.labels"));
}

/** A label as key and value, from list (`k=v`) or map form. */
function label(at: ScalarAt): { key: string; value: string } {
  if (/\[\d+\]$/.test(at.path)) {
    const eq = at.value.indexOf("=");
    return eq === -1 ? { key: at.value, value: "" } : { key: at.value.slice(0, eq), value: at.value.slice(eq + 1) };
  }
  return { key: at.key, value: at.value };
}
