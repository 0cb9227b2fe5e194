import { isMap, isScalar, type Node } from "yaml";
import type { SourceText } from "../parse/source-text.js";
import type { Resolver } from "../parse/resolve.js";
import type { PortEntry, PortProtocol } from "./types.js";

type TextOf = (node: Node | null | undefined) => string | undefined;

/** Reads one `ports:` item in short (`"8080:80/udp"`, `502`) or long syntax. */
export function parsePort(item: Node, resolver: Resolver, source: SourceText, text: TextOf): PortEntry {
  const node = resolver.deref(item) ?? item;
  const position = source.position(item.range?.[0] ?? 0);
  if (isMap(node)) {
    const field = (key: string) => text(resolver.get(node, key)?.value);
    return {
      node: item,
      position,
      raw: undefined,
      // strconv.Atoi, which docker casts an interpolated number with, takes a leading +.
      target: toPort(field("target")?.replace(/^\+/, "")),
      published: toPort(field("published")?.replace(/^\+/, "")),
      protocol: protocolOf(field("protocol")),
      mode: field("mode") === "host" ? "host" : "ingress",
      ...hostIpOf(field("host_ip")),
    };
  }
  const raw = isScalar(node) ? (text(node) ?? "") : "";
  return { node: item, position, raw, ...parseShortPort(raw), mode: "ingress" };
}

/** `[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`, ranges reduced to their first port. */
export function parseShortPort(raw: string): Pick<PortEntry, "target" | "published" | "protocol" | "hostIp"> {
  const { hostIp, published, target, protocol } = splitShortPort(raw);
  return { target: toPort(target), published: toPort(published), protocol: protocolOf(protocol), ...hostIpOf(hostIp) };
}

/** The pieces of a short-syntax port as written, not yet checked: the one reading of that syntax. */
export interface ShortPortText {
  hostIp: string | undefined;
  published: string | undefined;
  target: string;
  protocol: string | undefined;
}

export function splitShortPort(raw: string): ShortPortText {
  const [whole = "", protocol] = raw.split("/");
  // An IPv6 address is written in brackets: `[::1]:8080:80`.
  const bracketed = /^\[([^\]]*)\]:(.*)$/.exec(whole);
  const spec = bracketed ? bracketed[2]! : whole;
  const parts = spec.split(":");
  const host = bracketed ? bracketed[1] : parts.length >= 3 ? parts.slice(0, -2).join(":") : undefined;
  const published = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  return { hostIp: host, published, target: parts[parts.length - 1]!, protocol };
}

/** A host address that is one address; every address (unset, empty, 0.0.0.0, ::) is none. */
function hostIpOf(text: string | undefined): { hostIp?: string } {
  const ip = text?.trim();
  return !ip || ip === "0.0.0.0" || ip === "::" ? {} : { hostIp: ip };
}

/**
 * Docker reads the protocol without regard to case (`161/UDP` is UDP, `38412/SCTP` is SCTP): so
 * does stackmod. Anything else is TCP here, docker's default.
 */
function protocolOf(text: string | undefined): PortProtocol {
  const protocol = text?.trim().toLowerCase();
  return protocol === "udp" || protocol === "sctp" ? protocol : "tcp";
}

function toPort(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+)(?:-\d+)?\s*$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[1]);
  return port >= 1 && port <= 65535 ? port : undefined;
}
