import { isDeepStrictEqual } from "node:util";
import { visit, type Node, type YAMLMap } from "yaml";
import { StackmodError, type SourcePosition } from "../errors.js";
import { defaultLimits, parseStackFile, type ParsedFile } from "../parse/parse.js";
import { Resolver, type Entry } from "../parse/resolve.js";
import { buildModel, declaredNetworks, detectDialect } from "./build.js";
import type { Environment } from "./interpolate.js";
import type { LoadOptions } from "./load.js";
import { mergeServiceData } from "./merge.js";
import type { Dialect, NetworkDecl, PortEntry, ServiceModel, StackModel } from "./types.js";
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
 * Reads the files in order and merges them the way the docker CLI does (`mergeServiceData`, checked against
 * `docker stack config -c A -c B` in test/model/layers-merge.test.ts): services by name, each service's keys as
 * docker/cli v28.2.2 merge.go merges them; the top-level `networks` by key, a later declaration replacing the
 * earlier whole. The services' `data` is the one merge `rewrite -c` plans on too (`mergeStackData`).
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
  // The dialect decides how `ports` merge; what it is read from (declarations, `network_mode`, whether a
  // `deploy:` is there) is the same in either merge.
  let services = mergeServices(models, options.target ?? "swarm");
  const dialect = options.target ?? detectDialect({ ...models[0]!, networks, services });
  if (dialect !== "swarm") services = mergeServices(models, dialect);
  const first = models[0]!;
  const documents = new Documents(parsed);
  const stack: LayeredModel = {
    ...first,
    resolver: new StackResolver(documents),
    services,
    networks,
    documents: parsed,
    positionOf: (node, at) => documents.positionOf(node, at),
    layers: models,
  };
  stack.dialect = dialect;
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

function mergeServices(models: readonly StackModel[], dialect: Dialect): ServiceModel[] {
  const merged = new Map<string, ServiceModel>();
  for (const model of models) {
    for (const service of model.services) {
      const before = merged.get(service.name);
      merged.set(service.name, before ? mergeService(before, service, dialect) : { ...service });
    }
  }
  return [...merged.values()];
}

function mergeService(base: ServiceModel, over: ServiceModel, dialect: Dialect): ServiceModel {
  const attachments = [...base.attachments];
  for (const attachment of over.attachments)
    if (!attachments.some((a) => a.key === attachment.key)) attachments.push(attachment);
  return {
    ...base,
    data: mergeServiceData(base.data, over.data, dialect),
    maps: [...base.maps, ...over.maps],
    attachments,
    networks: over.networks ?? base.networks,
    networkMode: over.networkMode ?? base.networkMode,
    ports: mergePorts(base, over, dialect),
    portsEntry: over.portsEntry ?? base.portsEntry,
    options: over.options ?? base.options,
  };
}

/**
 * The ports of the merged service, as `mergeServiceData` merges its `ports:` data: docker stack keys the base's and
 * the override's by published port (the last one of a number stays) and sorts them, once the override writes the
 * service, even without `ports:`; an override's ports over none are its own, all of them. Compose keeps every
 * distinct item.
 */
function mergePorts(base: ServiceModel, over: ServiceModel, dialect: Dialect): PortEntry[] {
  if (!base.portsEntry) return over.portsEntry ? over.ports : base.ports;
  if (dialect === "compose") {
    const same = (a: PortEntry, b: PortEntry) =>
      a.raw !== undefined && b.raw !== undefined
        ? a.raw === b.raw
        : a.raw === b.raw && isDeepStrictEqual(a.node.toJSON(), b.node.toJSON());
    return [...base.ports, ...over.ports.filter((p) => !base.ports.some((q) => same(p, q)))];
  }
  const byPublished = new Map<number, PortEntry>();
  for (const port of [...base.ports, ...(over.portsEntry ? over.ports : [])])
    byPublished.set(port.published ?? 0, port);
  return [...byPublished.entries()].sort(([a], [b]) => a - b).map(([, port]) => port);
}
