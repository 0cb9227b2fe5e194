import { hostNetworked, type StackModel } from "./types.js";

/**
 * The host ports a stack binds, `PORT/PROTO` → who binds it: every published port (a
 * host-network service's own `ports:` are discarded by the engine), and every port a
 * socat on the host network listens on (the proxies stackmod writes). Other host-network
 * programs' ports are not in the file, so they are not here.
 */
export function hostPortBindings(model: StackModel): Map<string, Binding[]> {
  const bindings = new Map<string, Binding[]>();
  const add = (key: string, who: string, ip?: string) =>
    bindings.set(key, [...(bindings.get(key) ?? []), ip === undefined ? { who } : { who, ip }]);
  // Swarm publishes on every address whatever the file says (stack-host-ip); Compose binds the one given.
  const ipOf = (ip: string | undefined) => (model.dialect === "compose" ? ip : undefined);
  for (const service of model.services) {
    const onHost = hostNetworked(service);
    if (!onHost) {
      for (const port of service.ports) {
        if (port.published === undefined) continue;
        const ip = ipOf(port.hostIp);
        add(`${port.published}/${port.protocol}`, `${service.name} publishes it${ip ? ` on ${ip}` : ""}`, ip);
      }
      continue;
    }
    const command = [service.data.command, service.data.entrypoint].flat().filter((c) => typeof c === "string");
    for (const match of command.join(" ").matchAll(listenPattern)) {
      add(`${match[2]}/${match[1]!.startsWith("TCP") ? "tcp" : "udp"}`, `${service.name} listens on it`);
    }
  }
  return bindings;
}

const listenPattern = /\b(TCP4?-LISTEN|UDP4?-LISTEN|UDP4?-RECVFROM|UDP4?-RECV):(\d{1,5})\b/g;

/** Who binds a host port, and on which address (none: every address). */
export interface Binding {
  who: string;
  ip?: string;
}

/**
 * The bindings of one port that collide with another: two on the same address, or one on
 * every address beside any other (0.0.0.0:80 and 127.0.0.1:80 cannot both be bound).
 */
function clashing(bindings: Binding[]): Binding[] {
  const clash = (a: Binding, b: Binding) => a.ip === undefined || b.ip === undefined || a.ip === b.ip;
  return bindings.filter((a, i) => bindings.some((b, j) => i !== j && clash(a, b)));
}

/** Ports bound twice in `after` that were not already bound twice in `before`. */
export function newDoubleBindings(
  before: Map<string, Binding[]>,
  after: Map<string, Binding[]>,
): [port: string, by: string[]][] {
  return [...after].flatMap(([key, bindings]): [string, string[]][] => {
    const now = clashing(bindings);
    if (now.length === 0 || clashing(before.get(key) ?? []).length >= now.length) return [];
    return [[key, now.map((b) => b.who)]];
  });
}
