import { isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import { InterpolationError, interpolate, type Environment } from "./interpolate.js";
import type { ParsedFile } from "../parse/parse.js";
import type { Entry, Resolver } from "../parse/resolve.js";
import { parsePort } from "./ports.js";
import type { StackData } from "./shape.js";
import type { Attachment, Dialect, NetworkDecl, ServiceModel, StackModel } from "./types.js";

export interface ModelOptions {
  env: Environment;
  /** Force the dialect instead of detecting it. */
  target?: Dialect | undefined;
  /** A layered stack (`-c A -c B`): the top-level networks as all its files declare them, merged. */
  layerNetworks?: ReadonlyMap<string, NetworkDecl> | undefined;
}

/** Builds the typed model of a parsed file: what stackmod reads, each piece with its position. */
export function buildModel(parsed: ParsedFile, options: ModelOptions): StackModel {
  const { source, root } = parsed;
  // parseStackFile already turned the document into plain data within the alias limit, validateFile checked it.
  const data = parsed.data as StackData;
  const resolver = parsed.resolver;

  const text = (node: Node | null | undefined): string | undefined =>
    isScalar(node) && node.value !== null ? interpolateAt(String(node.value), options.env, parsed, node) : undefined;

  const networksEntry = resolver.get(root, "networks");
  const networks = new Map<string, NetworkDecl>();
  if (isMap(networksEntry?.value)) {
    for (const entry of resolver.entries(networksEntry.value)) {
      networks.set(entry.key, declareNetwork(entry, resolver, text));
    }
  }
  for (const [key, decl] of options.layerNetworks ?? []) networks.set(key, decl);

  const servicesEntry = resolver.get(root, "services");
  const services: ServiceModel[] = [];
  const plainServices = data.services ?? {};
  if (isMap(servicesEntry?.value)) {
    for (const entry of resolver.entries(servicesEntry.value)) {
      const map = entry.value;
      if (!isMap(map)) continue;
      services.push(buildService(entry, map, plainServices[entry.key] ?? {}, { parsed, resolver, networks, text }));
    }
  }

  const version = text(resolver.get(root, "version")?.value);
  const model: StackModel = {
    parsed,
    resolver,
    file: source.file,
    documents: [parsed],
    positionOf: (node) => source.position(node?.range?.[0] ?? 0),
    version,
    dialect: "compose",
    services,
    networks,
    servicesEntry,
    networksEntry,
    options: resolver.get(root, "x-stackmod"),
  };
  model.dialect = options.target ?? detectDialect(model);
  return model;
}

interface BuildContext {
  parsed: ParsedFile;
  resolver: Resolver;
  networks: Map<string, NetworkDecl>;
  text: (node: Node | null | undefined) => string | undefined;
}

/** The top-level networks a file declares, by key, with their resolved names. */
export function declaredNetworks(parsed: ParsedFile, env: Environment): Map<string, NetworkDecl> {
  const resolver = parsed.resolver;
  const text = (node: Node | null | undefined) =>
    isScalar(node) && node.value !== null ? interpolateAt(String(node.value), env, parsed, node) : undefined;
  const result = new Map<string, NetworkDecl>();
  const entry = resolver.get(parsed.root, "networks");
  if (isMap(entry?.value))
    for (const network of resolver.entries(entry.value))
      result.set(network.key, declareNetwork(network, resolver, text));
  return result;
}

function interpolateAt(value: string, env: Environment, parsed: ParsedFile, node: Node): string {
  try {
    return interpolate(value, env);
  } catch (error) {
    if (error instanceof InterpolationError) {
      // Point at the `$` itself: the scalar's start, past an opening quote, plus the offset in its value.
      const quoted = (node as { type?: string }).type?.startsWith("QUOTE") ? 1 : 0;
      throw new StackmodError(
        "INTERPOLATION",
        error.message,
        parsed.source.position((node.range?.[0] ?? 0) + quoted + error.index),
      );
    }
    throw error;
  }
}

function declareNetwork(entry: Entry, resolver: Resolver, text: BuildContext["text"]): NetworkDecl {
  const map = isMap(entry.value) ? entry.value : undefined;
  const external = map ? resolver.get(map, "external")?.value : undefined;
  const externalName = isMap(external) ? text(resolver.get(external, "name")?.value) : undefined;
  const isExternal = isMap(external) || (isScalar(external) && [true, "true"].includes(external.value as never));
  const name = (map && text(resolver.get(map, "name")?.value)) || externalName || entry.key;
  const special = isExternal && (name === "host" || name === "none") ? name : undefined;
  return { key: entry.key, name, external: isExternal, special, entry };
}

function buildService(entry: Entry, map: YAMLMap, data: Record<string, unknown>, ctx: BuildContext): ServiceModel {
  const { resolver, parsed, text } = ctx;
  const position = parsed.source.position(
    entry.pair.key && isScalar(entry.pair.key) ? (entry.pair.key.range?.[0] ?? 0) : 0,
  );
  const networksEntry = resolver.get(map, "networks");
  const attachments: Attachment[] = [];
  const value = networksEntry?.value;
  if (isSeq(value)) {
    for (const item of value.items) {
      const node = resolver.deref(item);
      const key = text(node) ?? "";
      attachments.push(attachment(key, item as Node, (item as Node).range?.[0], ctx));
    }
  } else if (isMap(value)) {
    for (const pair of resolver.entries(value)) {
      attachments.push(attachment(pair.key, pair.pair, (pair.pair.key as Node | null)?.range?.[0], ctx));
    }
  }
  for (const a of attachments) {
    if (!a.network && a.key !== "default") {
      throw new StackmodError(
        "UNDECLARED_NETWORK",
        `service "${entry.key}" uses network "${a.key}", which is not declared under the top-level ` +
          `\`networks:\`; declare it there (\`${a.key}: {}\`, or \`${a.key}: {external: true, name: host}\` if ` +
          "it is the host network), or, if this file overrides another, check the two layered: stackmod check " +
          `-c BASE.yml -c ${parsed.source.file}`,
        a.position,
      );
    }
  }
  const modeEntry = resolver.get(map, "network_mode");
  const modeText = text(modeEntry?.value);
  const portsEntry = resolver.get(map, "ports");
  const ports = isSeq(portsEntry?.value)
    ? portsEntry.value.items.map((item) => parsePort(item as Node, resolver, parsed.source, text))
    : [];
  return {
    name: entry.key,
    pair: entry.pair,
    map,
    maps: [map],
    position,
    data,
    attachments,
    networks: networksEntry,
    networkMode: modeEntry && modeText !== undefined ? { value: modeText, entry: modeEntry } : undefined,
    ports,
    portsEntry,
    options: resolver.get(map, "x-stackmod"),
  };
}

function attachment(key: string, item: Attachment["item"], offset: number | undefined, ctx: BuildContext): Attachment {
  return { key, network: ctx.networks.get(key), item, position: ctx.parsed.source.position(offset ?? 0) };
}

/** A file is deployed as a stack when it uses an external host network or `deploy:`; `--target` overrides. */
export function detectDialect(model: StackModel): Dialect {
  const hostNetwork = [...model.networks.values()].some((n) => n.special !== undefined);
  if (hostNetwork) return "swarm";
  const usesNetworkModeHost = model.services.some((s) => s.networkMode !== undefined);
  const usesDeploy = model.services.some((s) => s.data.deploy !== undefined && s.data.deploy !== null);
  if (usesNetworkModeHost && !usesDeploy) return "compose";
  return usesDeploy ? "swarm" : "compose";
}
