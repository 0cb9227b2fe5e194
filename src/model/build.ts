import { isIP } from "node:net";
import { isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import { InterpolationError, interpolate, usesUnsetVariable, type Environment } from "./interpolate.js";
import type { ParsedFile } from "../parse/parse.js";
import type { SourceText } from "../parse/source-text.js";
import type { Entry, Resolver } from "../parse/resolve.js";
import { parsePort, splitShortPort } from "./ports.js";
import type { StackData } from "./shape.js";
import type { Attachment, Dialect, NetworkDecl, PortEntry, ServiceModel, StackModel } from "./types.js";

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
      networks.set(entry.key, declareNetwork(entry, resolver, text, source));
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
      services.push(
        buildService(entry, map, plainServices[entry.key] ?? {}, {
          parsed,
          resolver,
          networks,
          text,
          env: options.env,
        }),
      );
    }
  }

  const version = text(resolver.get(root, "version")?.value);
  const model: StackModel = {
    parsed,
    resolver,
    file: source.file,
    documents: [parsed],
    positionOf: (node, at) => source.position(at ?? node?.range?.[0] ?? 0),
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
  env: Environment;
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
      result.set(network.key, declareNetwork(network, resolver, text, parsed.source));
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

function declareNetwork(entry: Entry, resolver: Resolver, text: BuildContext["text"], source: SourceText): NetworkDecl {
  const map = isMap(entry.value) ? entry.value : undefined;
  const external = map ? resolver.get(map, "external")?.value : undefined;
  const externalName = isMap(external) ? text(resolver.get(external, "name")?.value) : undefined;
  const isExternal = isMap(external) || (isScalar(external) && externalFlag(external, entry.key, text, source));
  const name = (map && text(resolver.get(map, "name")?.value)) || externalName || entry.key;
  const special = isExternal && (name === "host" || name === "none") ? name : undefined;
  const driver = map ? text(resolver.get(map, "driver")?.value) : undefined;
  return { key: entry.key, name, external: isExternal, special, driver, entry };
}

/**
 * `external: true`, or a string docker casts to a boolean. After interpolation docker/cli v28.2.2 reads
 * `networks.*.external` with its own cast (cli/compose/loader/interpolate.go, toBoolean: y, yes, true,
 * on, n, no, false, off, in any case), so `external: ${EXT:-yes}` is the host network there; Compose
 * reads a string written as such the same way. Anything else in a string docker refuses, and so does
 * stackmod, at the value.
 */
function externalFlag(node: Scalar, key: string, text: BuildContext["text"], source: SourceText): boolean {
  if (typeof node.value === "boolean") return node.value;
  if (node.value === null) return false;
  if (typeof node.value !== "string") {
    throw new StackmodError(
      "WRONG_TYPE",
      `\`networks.${key}.external\` is ${node.source ?? String(node.value)}, which docker reads as no boolean and ` +
        'refuses ("must be a boolean or mapping"); write `external: true` or `external: false`',
      source.position(node.range?.[0] ?? 0),
    );
  }
  const value = text(node) ?? "";
  const flag = { y: true, yes: true, true: true, on: true, n: false, no: false, false: false, off: false }[
    value.toLowerCase() as "y"
  ] as boolean | undefined;
  if (flag !== undefined) return flag;
  const written =
    value === node.value ? JSON.stringify(value) : `${JSON.stringify(node.value)} (${JSON.stringify(value)})`;
  throw new StackmodError(
    "WRONG_TYPE",
    `\`networks.${key}.external\` is ${written}, which docker reads as no boolean ("invalid boolean"); write ` +
      "`external: true` or `external: false`",
    source.position(node.range?.[0] ?? 0),
  );
}

function buildService(entry: Entry, map: YAMLMap, data: Record<string, unknown>, ctx: BuildContext): ServiceModel {
  const { resolver, parsed, text, env } = ctx;
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
    ? portsEntry.value.items.map((item) => readPort(item as Node, entry.key, ctx))
    : [];
  return {
    name: entry.key,
    pair: entry.pair,
    map,
    maps: [map],
    position,
    data,
    env,
    attachments,
    networks: networksEntry,
    networkMode: modeEntry && modeText !== undefined ? { value: modeText, entry: modeEntry } : undefined,
    ports,
    portsEntry,
    options: resolver.get(map, "x-stackmod"),
  };
}

/**
 * One `ports:` item, refused where docker cannot read it: a short-syntax port with no target
 * (nat.ParsePortSpec: "Does not match format 'ports'"), or a long-syntax number that a variable gave
 * and strconv.Atoi does not take (docker casts `target` and `published` after interpolation,
 * cli/compose/loader/interpolate.go), so that no port stackmod reads differently reaches a decision.
 * A port that uses a variable not set here is read as before: its value is known where it is deployed.
 */
function readPort(item: Node, service: string, ctx: BuildContext): PortEntry {
  const { resolver, parsed, text } = ctx;
  const port = parsePort(item, resolver, parsed.source, text);
  const node = resolver.deref(item);
  const refuse = (what: string, at: Node) =>
    new StackmodError("INVALID_PORT", `service "${service}": ${what}`, parsed.source.position(at.range?.[0] ?? 0));
  const known = (scalar: Node | null) =>
    !isScalar(scalar) || typeof scalar.value !== "string" || !usesUnsetVariable(scalar.value, ctx.env);
  if (!isMap(node)) {
    if (!known(node)) return port;
    const address = port.raw === undefined ? undefined : splitShortPort(port.raw).hostIp;
    if (address !== undefined && address !== "" && isIP(address) === 0) {
      throw refuse(
        `docker cannot read the port ${JSON.stringify(port.raw)}: ${JSON.stringify(address)} is no IP address ` +
          '("Invalid ip address"); write [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]',
        item,
      );
    }
    if (port.target !== undefined) return port;
    const shown = port.raw === "" ? "an empty port" : `the port ${JSON.stringify(port.raw)}`;
    throw refuse(
      `docker cannot read ${shown} ("Does not match format 'ports'"); write [HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]`,
      item,
    );
  }
  for (const field of ["target", "published"]) {
    const value = resolver.get(node, field)?.value;
    if (!isScalar(value) || typeof value.value !== "string" || !value.value.includes("$") || !known(value)) continue;
    const read = text(value) ?? "";
    if (/^[-+]?[0-9]+$/.test(read)) continue;
    throw refuse(
      `\`${field}\` is ${JSON.stringify(value.value)}, which becomes ${JSON.stringify(read)}; docker refuses a port ` +
        'number that is no integer ("failed to cast to expected type: strconv.Atoi")',
      value,
    );
  }
  return port;
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
