import type { Environment } from "./interpolate.js";
import type { Node, Pair, YAMLMap } from "yaml";
import type { SourcePosition } from "../errors.js";
import type { Entry, Resolver } from "../parse/resolve.js";
import type { ParsedFile } from "../parse/parse.js";

export type Dialect = "swarm" | "compose";

/** A top-level network declaration with its resolved name (`name:`, `external.name`, or the key). */
export interface NetworkDecl {
  key: string;
  name: string;
  external: boolean;
  /** `host` and `none` are special only as external networks of that resolved name. */
  special: "host" | "none" | undefined;
  /** `driver:` with `${VAR}` resolved, as docker reads it. */
  driver: string | undefined;
  entry: Entry;
}

/** One network a service is attached to, from list or map form. */
export interface Attachment {
  key: string;
  network: NetworkDecl | undefined;
  /** The list item, or the map pair, that attaches the service. */
  item: Node | Pair;
  position: SourcePosition;
}

/** The transport protocols docker publishes a port in (docker/cli v28.2.2 opts/swarmopts/port.go). */
export type PortProtocol = "tcp" | "udp" | "sctp";

export interface PortEntry {
  node: Node;
  position: SourcePosition;
  /** The text as written (short syntax) or undefined for the long syntax. */
  raw: string | undefined;
  target: number | undefined;
  published: number | undefined;
  protocol: PortProtocol;
  mode: "ingress" | "host";
  /** The host address it binds (`127.0.0.1:8080:80`, `host_ip:`); undefined for every address. */
  hostIp?: string;
}

export interface ServiceModel {
  name: string;
  /** The `name: {...}` pair under `services:`; for a layered stack, in the first file that writes the service. */
  pair: Pair;
  map: YAMLMap;
  /**
   * The service's mapping in each file that writes it, in the order of the files: `[map]` for one file. docker
   * checks each file's keys on their own (cli/compose/loader/loader.go Load at v28.2.2), so the key rules read
   * every one of them.
   */
  maps: readonly YAMLMap[];
  position: SourcePosition;
  /** Resolved plain data of the service, aliases and merges applied. */
  data: Record<string, unknown>;
  /** The variables the service is read with (environment, `--env-file`): `resolvedData` applies them to `data`. */
  env: Environment;
  attachments: Attachment[];
  networks: Entry | undefined;
  networkMode: { value: string; entry: Entry } | undefined;
  ports: PortEntry[];
  portsEntry: Entry | undefined;
  options: Entry | undefined;
}

export interface StackModel {
  /** The file; for a layered stack (`-c A -c B`), the first of `documents`. */
  parsed: ParsedFile;
  /** Reads any node of the stack (merge keys applied, aliases followed) through its own file's resolver. */
  resolver: Resolver;
  file: string;
  /** The files the stack is written in, in the order they are layered: `[parsed]` for one file. */
  documents: readonly ParsedFile[];
  /**
   * Where a node of the stack is written (its file, line and column); a missing node: the first file's start. `at`:
   * an offset in the node's own file instead of the node's start (its anchor before it, a character inside it).
   */
  positionOf(node: Node | null | undefined, at?: number): SourcePosition;
  /** The `version:` value, if any, as text. */
  version: string | undefined;
  dialect: Dialect;
  services: ServiceModel[];
  networks: Map<string, NetworkDecl>;
  servicesEntry: Entry | undefined;
  networksEntry: Entry | undefined;
  options: Entry | undefined;
}

export function hostNetworked(service: ServiceModel): boolean {
  return service.attachments.some((a) => a.network?.special === "host") || service.networkMode?.value === "host";
}
