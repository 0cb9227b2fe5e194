import { visit, type Node, type YAMLMap } from "yaml";
import { StackmodError, type SourcePosition } from "../errors.js";
import { defaultLimits, parseStackFile, type ParsedFile } from "../parse/parse.js";
import { Resolver, type Entry } from "../parse/resolve.js";
import { buildModel, declaredNetworks, detectDialect } from "./build.js";
import type { Environment } from "./interpolate.js";
import type { LoadOptions } from "./load.js";
import type { NetworkDecl, PortEntry, ServiceModel, StackModel } from "./types.js";
import { validateFile } from "./validate.js";

/** One file of a layered stack (`docker stack deploy -c A -c B`). */
export interface Layer {
  file: string;
  text: string;
}

/**
 * The stack that several files make once merged: a `StackModel` like one file's, whose services,
 * networks and dialect are the merged stack's and whose nodes each stay in the file that writes
 * them (`documents`, `positionOf`, and a resolver that reads each node through its own file's).
 * `layers` keeps each file's own model, for what is read per file (`x-stackmod`, the version).
 */
export interface LayeredModel extends StackModel {
  layers: readonly StackModel[];
}

/**
 * Reads the files in order and merges them the way the docker CLI does (checked with
 * `docker stack config -c A -c B`): services by name; a service's `networks` by key (a later
 * file's entry replaces the earlier one's settings); `ports` by published port (a later entry
 * replaces); other scalars and lists: the later file wins; mappings merge key by key; the
 * top-level `networks` by key, a later declaration replacing the earlier whole.
 */
export function loadLayers(layers: readonly Layer[], options: Omit<LoadOptions, "file">): LayeredModel {
  if (layers.length === 0)
    throw new StackmodError("USAGE", "no file given to -c", { file: "<command line>", line: 1, column: 1 });
  const limits = { ...defaultLimits, ...options.limits };
  // Each file is validated right after it is parsed, so that errors come in file order.
  const parsed = layers.map((layer) => {
    const file = parseStackFile(layer.text, layer.file, limits);
    validateFile(file);
    return file;
  });
  const env = options.env ?? {};
  if (!options.dotenv) return mergeLayers(parsed, env, options);
  // As for one file: the .env beside the first file applies once the stack is known to be a Compose stack.
  const stack = mergeLayers(parsed, { ...options.dotenv, ...env }, options);
  return stack.dialect === "compose" ? stack : mergeLayers(parsed, env, options);
}

function mergeLayers(parsed: ParsedFile[], env: Environment, options: Omit<LoadOptions, "file">): LayeredModel {
  const networks = new Map<string, NetworkDecl>();
  for (const file of parsed) for (const [key, decl] of declaredNetworks(file, env)) networks.set(key, decl);
  const models = parsed.map((file) => buildModel(file, { env, target: options.target, layerNetworks: networks }));
  refuseMixedVersions(models);
  const merged = new Map<string, ServiceModel>();
  for (const model of models) {
    for (const service of model.services) {
      const before = merged.get(service.name);
      merged.set(service.name, before ? mergeService(before, service) : { ...service });
    }
  }
  const first = models[0]!;
  const documents = new Documents(parsed);
  const stack: LayeredModel = {
    ...first,
    resolver: new StackResolver(documents),
    services: [...merged.values()],
    networks,
    documents: parsed,
    positionOf: (node, at) => documents.positionOf(node, at),
    layers: models,
  };
  stack.dialect = options.target ?? detectDialect(stack);
  return stack;
}

/** Which file each node of the stack is written in: found by one walk of each document, when first asked. */
class Documents {
  private index: WeakMap<Node, ParsedFile> | undefined;

  constructor(readonly files: readonly ParsedFile[]) {}

  of(node: unknown): ParsedFile {
    if (!this.index) {
      const index = new WeakMap<Node, ParsedFile>();
      for (const file of this.files) visit(file.doc, { Node: (_key, found) => void index.set(found, file) });
      this.index = index;
    }
    const file = node !== null && typeof node === "object" ? this.index.get(node as Node) : undefined;
    return file ?? this.files[0]!;
  }

  positionOf(node: Node | null | undefined, at?: number): SourcePosition {
    return this.of(node).source.position(at ?? node?.range?.[0] ?? 0);
  }
}

/**
 * Reads each node through the resolver of the file that writes it (each document keeps its one
 * resolver, and an alias is followed within its own file).
 */
class StackResolver extends Resolver {
  constructor(private readonly documents: Documents) {
    const first = documents.files[0]!;
    super(first.doc, first.aliases);
  }

  override deref(node: unknown): Node | null {
    return this.documents.of(node).resolver.deref(node);
  }

  override entries(map: YAMLMap): Entry[] {
    return this.documents.of(map).resolver.entries(map);
  }

  override get(map: YAMLMap, key: string): Entry | undefined {
    return this.documents.of(map).resolver.get(map, key);
  }

  override beneath(map: YAMLMap, key: string): Entry | undefined {
    return this.documents.of(map).resolver.beneath(map, key);
  }

  override nodeAt(start: Node | null, path: readonly PropertyKey[]): Node | null {
    return this.documents.of(start).resolver.nodeAt(start, path);
  }
}

/**
 * The newest stack file format of docker CLI 28 (cli/compose/schema): what a file without `version:`, or with "3", is
 * read as.
 */
const newestFormat = "3.13";

/**
 * docker stack deploy refuses files of different format versions ("version mismatched
 * between two composefiles"); so does stackmod, at the first file that differs from the first.
 */
function refuseMixedVersions(models: readonly StackModel[]): void {
  const format = (model: StackModel) =>
    model.version === undefined || model.version === "3" ? newestFormat : model.version;
  const first = models[0]!;
  const differing = models.find((model) => format(model) !== format(first));
  if (!differing) return;
  const shown = (model: StackModel) =>
    model.version === undefined ? `no \`version:\` (read as ${newestFormat})` : `version "${model.version}"`;
  const versionNode = differing.resolver.get(differing.parsed.root, "version")?.value;
  throw new StackmodError(
    "UNSUPPORTED",
    `${first.file} has ${shown(first)} and ${differing.file} has ${shown(differing)}; docker stack deploy refuses` +
      ' files of different versions ("version mismatched between two composefiles"): give every -c file the same' +
      " `version:`",
    differing.parsed.source.position(versionNode?.range?.[0] ?? 0),
  );
}

function mergeService(base: ServiceModel, over: ServiceModel): ServiceModel {
  const attachments = [...base.attachments];
  for (const attachment of over.attachments)
    if (!attachments.some((a) => a.key === attachment.key)) attachments.push(attachment);
  let ports = base.ports;
  if (over.portsEntry) {
    const byPublished = new Map<number, PortEntry>();
    for (const port of [...base.ports, ...over.ports]) byPublished.set(port.published ?? 0, port);
    ports = [...byPublished.values()];
  }
  return {
    ...base,
    data: mergeData(base.data, over.data) as Record<string, unknown>,
    maps: [...base.maps, ...over.maps],
    attachments,
    networks: over.networks ?? base.networks,
    networkMode: over.networkMode ?? base.networkMode,
    ports,
    portsEntry: over.portsEntry ?? base.portsEntry,
    options: over.options ?? base.options,
  };
}

function mergeData(base: unknown, over: unknown): unknown {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === "object" && !Array.isArray(value);
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) result[key] = mergeData(base[key], value);
  return result;
}
