import { hostNetworked, type StackModel } from "./model/types.js";

/**
 * The host ports a stack binds, `PORT/PROTO` → who binds it: every published port (a
 * host-network service's own `ports:` are discarded by the engine), and every port a
 * socat on the host network listens on (the proxies stackmod writes). Other host-network
 * programs' ports are not in the file, so they are not here.
 */
export function hostPortBindings(model: StackModel): Map<string, string[]> {
  const bindings = new Map<string, string[]>();
  const add = (key: string, who: string) => bindings.set(key, [...(bindings.get(key) ?? []), who]);
  for (const service of model.services) {
    const onHost = hostNetworked(service);
    if (!onHost) {
      for (const port of service.ports) {
        if (port.published !== undefined) add(`${port.published}/${port.protocol}`, `${service.name} publishes it`);
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

/** Ports bound twice in `after` that were not already bound twice in `before`. */
export function newDoubleBindings(
  before: Map<string, string[]>,
  after: Map<string, string[]>,
): [port: string, by: string[]][] {
  return [...after].filter(([key, by]) => by.length > 1 && (before.get(key)?.length ?? 0) < by.length);
}
