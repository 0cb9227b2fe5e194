import { isMap } from "yaml";
import type { CheckOptions, CheckResult } from "../check.js";
import { StackmodError } from "../errors.js";
import { buildModel, declaredNetworks, detectDialect } from "../model/build.js";
import { validateFile } from "../model/validate.js";
import type { Dialect, NetworkDecl, PortEntry, ServiceModel, StackModel } from "../model/types.js";
import { rewrite, type RewriteOptions, type RewriteResult } from "../rewrite.js";
import { detectFile, detectService, engineFor, type Finding } from "../rules/index.js";
import type { EngineVersion } from "../rules/engines.js";
import { readFileOptions } from "../plan/file-options.js";
import type { Environment } from "../model/interpolate.js";
import { defaultLimits, parseStackFile, type ParsedFile } from "../parse/parse.js";

/**
 * One stack layered from several files (`docker stack deploy -c A -c B`), merged
 * the way the docker CLI merges them (checked with `docker stack config -c A -c B`):
 * services by name; a service's `networks` by key (a later file's entry replaces
 * the earlier one's settings); `ports` by published port (a later entry replaces);
 * other scalars and lists: the later file wins; mappings merge key by key; the
 * top-level `networks` by key, a later declaration replacing the earlier whole.
 * Each finding keeps the file and line that introduced it.
 */
export interface Layer {
  file: string;
  text: string;
}

interface Layers {
  models: StackModel[];
  networks: Map<string, NetworkDecl>;
  services: ServiceModel[];
  dialect: Dialect;
  /** For each merged service, the file model each of its parts comes from (for positions). */
  origin: Map<ServiceModel, StackModel>;
  /** For each file, the merged network declarations that come from it (a later file's replaces an earlier one's). */
  ownNetworks: Map<StackModel, Map<string, NetworkDecl>>;
}

function loadLayers(layers: readonly Layer[], options: Omit<CheckOptions, "file">): Layers {
  if (layers.length === 0)
    throw new StackmodError("USAGE", "no file given to -c", { file: "<command line>", line: 1, column: 1 });
  const limits = { ...defaultLimits, ...options.limits };
  const parsed = layers.map((layer) => {
    const file = parseStackFile(layer.text, layer.file, limits);
    validateFile(file);
    return file;
  });
  const env = options.env ?? {};
  if (!options.dotenv) return buildLayers(parsed, env, options);
  // As for one file: the .env beside the first file applies once the stack is known to be a Compose stack.
  const stack = buildLayers(parsed, { ...options.dotenv, ...env }, options);
  return stack.dialect === "compose" ? stack : buildLayers(parsed, env, options);
}

function buildLayers(parsed: ParsedFile[], env: Environment, options: Omit<CheckOptions, "file">): Layers {
  const networks = new Map<string, NetworkDecl>();
  const declaredIn = parsed.map((file) => declaredNetworks(file, env));
  for (const declared of declaredIn) for (const [key, decl] of declared) networks.set(key, decl);
  const models = parsed.map((file) => buildModel(file, { env, target: options.target, layerNetworks: networks }));
  const ownNetworks = new Map(
    models.map((model, index) => [
      model,
      new Map([...declaredIn[index]!].filter(([key, decl]) => networks.get(key) === decl)),
    ]),
  );
  refuseMixedVersions(models);
  const origin = new Map<ServiceModel, StackModel>();
  const merged = new Map<string, ServiceModel>();
  for (const model of models) {
    for (const service of model.services) {
      const before = merged.get(service.name);
      const next = before ? mergeService(before, service) : { ...service };
      origin.set(next, service.networkMode || !before ? model : origin.get(before)!);
      merged.set(service.name, next);
    }
  }
  const services = [...merged.values()];
  const dialect = options.target ?? detectDialect({ ...models[0]!, services, networks });
  return { models, networks, services, dialect, origin, ownNetworks };
}

/** The newest stack file format of docker CLI 28 (cli/compose/schema): what a file without `version:`, or with "3", is read as. */
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
    `${first.file} has ${shown(first)} and ${differing.file} has ${shown(differing)}; docker stack deploy refuses files of different versions ("version mismatched between two composefiles"): give every -c file the same \`version:\``,
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

/** `--engine`, else the first file's `x-stackmod.engine` that has one, else the newest engine. */
/** `x-stackmod.engine` as the stack's files give it: a later file's replaces an earlier one's, as for every key. */
function layersEngine(stack: Layers, option: string | undefined): EngineVersion {
  const withEngine = [...stack.models]
    .reverse()
    .find((model) => isMap(model.options?.value) && model.options.value.has("engine"));
  return engineFor(withEngine ?? stack.models[0]!, option);
}

function detectLayers(stack: Layers, engine: EngineVersion): Finding[] {
  const order = new Map(stack.models.map((model, index) => [model.file, index]));
  const findings = stack.services.flatMap((service) => {
    const model: StackModel = {
      ...stack.origin.get(service)!,
      dialect: stack.dialect,
      services: stack.services,
      networks: stack.networks,
    };
    return detectService(service, model, engine);
  });
  // The file-level rules look at each file's own top level, with the network declarations it has the last word on.
  for (const model of stack.models) {
    const own = stack.ownNetworks.get(model)!;
    findings.push(...detectFile({ ...model, dialect: stack.dialect, networks: own }, engine));
  }
  return findings.sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column,
  );
}

/** `check -c A -c B`: the findings of the merged stack, each against the file and line that introduced it. */
export function checkLayered(layers: readonly Layer[], options: Omit<CheckOptions, "file"> = {}): CheckResult {
  const stack = loadLayers(layers, options);
  const engine = layersEngine(stack, options.engine);
  const notes = stack.models.flatMap((model) =>
    readFileOptions(model).warnings.map((message) => ({ level: "warning" as const, message })),
  );
  return {
    file: layers.map((l) => l.file).join(" + "),
    dialect: stack.dialect,
    findings: detectLayers(stack, engine),
    engine: engine.text,
    notes,
  };
}

export interface LayeredRewriteResult {
  /** One result per file, in the order given; `changed` says which files were edited. */
  files: RewriteResult[];
  /** The files edited, by name. */
  edited: string[];
  findings: Finding[];
  /** Findings left in the merged stack after the rewrite. */
  remaining: Finding[];
}

/**
 * `rewrite -c A -c B`: each refused service is rewritten in the file that holds
 * the offending attachment, by the single-file pipeline, which sees the networks
 * the other files declare. A conflict that only exists once the files are merged
 * (the host network in one file, the other network in another) is refused.
 */
export function rewriteLayered(
  layers: readonly Layer[],
  options: Omit<RewriteOptions, "file"> = {},
): LayeredRewriteResult {
  return rewriteLayers(layers, options);
}

function rewriteLayers(layers: readonly Layer[], options: Omit<RewriteOptions, "file">): LayeredRewriteResult {
  const stack = loadLayers(layers, options);
  const engine = layersEngine(stack, options.engine);
  const findings = detectLayers(stack, engine);
  const wanted = options.services ? new Set(options.services) : undefined;
  const byFile = new Map<string, Set<string>>();
  for (const finding of findings) {
    if (finding.severity !== "error" || (wanted && !wanted.has(finding.service))) continue;
    const services = byFile.get(finding.file) ?? new Set<string>();
    services.add(finding.service);
    byFile.set(finding.file, services);
  }
  const files = layers.map((layer) => {
    const services = byFile.get(layer.file);
    const result = rewrite(layer.text, {
      ...options,
      engine: engine.text,
      file: layer.file,
      target: stack.dialect,
      layerNetworks: stack.networks,
      services: services ? [...services] : [],
    });
    for (const name of services ?? []) {
      if (!result.findings.some((f) => f.service === name && f.severity === "error"))
        throw spansFiles(name, findings, layer.file);
    }
    return result;
  });
  const after = loadLayers(
    files.map((result) => ({ file: result.file, text: result.output })),
    options,
  );
  const remaining = detectLayers(after, engine);
  const skipped = new Set(files.flatMap((result) => result.skipped.map((s) => s.service)));
  const left = remaining.find(
    (f) => f.severity === "error" && byFile.get(f.file)?.has(f.service) && !skipped.has(f.service),
  );
  if (left) throw spansFiles(left.service, remaining, left.file);
  return { files, edited: files.filter((r) => r.changed).map((r) => r.file), findings, remaining };
}

function spansFiles(service: string, findings: Finding[], file: string): StackmodError {
  const finding =
    findings.find((f) => f.service === service && f.file === file) ?? findings.find((f) => f.service === service)!;
  return new StackmodError(
    "UNSUPPORTED",
    `service "${service}" is refused only once the files are merged (its ${finding.rule} is here, its other networks or ports come from another file); stackmod edits one file at a time: write the service's \`networks:\` (and \`ports:\`) in one of the files, or rewrite the merged file from \`docker stack config -c ... -c ...\``,
    finding,
  );
}
