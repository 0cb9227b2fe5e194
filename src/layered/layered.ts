import { isMap } from "yaml";
import type { CheckOptions, CheckResult } from "../check.js";
import { StackmodError } from "../errors.js";
import { loadLayers, type Layer, type LayeredModel } from "../model/layers.js";
import { rewrite, type RewriteOptions, type RewriteResult } from "../rewrite.js";
import { detect, engineFor, type Finding } from "../rules/index.js";
import type { EngineVersion } from "../rules/engines.js";
import { readFileOptions } from "../plan/file-options.js";

export type { Layer };

/** `x-stackmod.engine` as the stack's files give it: a later file's replaces an earlier one's, as for every key. */
function layersEngine(stack: LayeredModel, option: string | undefined): EngineVersion {
  const withEngine = [...stack.layers]
    .reverse()
    .find((model) => isMap(model.options?.value) && model.options.value.has("engine"));
  return engineFor(withEngine ?? stack.layers[0]!, option);
}

/** `check -c A -c B`: the findings of the merged stack, each against the file and line that introduced it. */
export function checkLayered(layers: readonly Layer[], options: Omit<CheckOptions, "file"> = {}): CheckResult {
  const stack = loadLayers(layers, options);
  const engine = layersEngine(stack, options.engine);
  const notes = stack.layers.flatMap((model) =>
    readFileOptions(model).warnings.map((message) => ({ level: "warning" as const, message })),
  );
  return {
    file: layers.map((l) => l.file).join(" + "),
    dialect: stack.dialect,
    findings: detect(stack, engine),
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
  const findings = detect(stack, engine);
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
  const remaining = detect(after, engine);
  const skipped = new Set(files.flatMap((result) => result.skipped.map((s) => s.service)));
  // What a file's own rewrite left (a key without a fix) is left as in one file; anything else spans the files.
  const leftInFile = new Set(
    files.flatMap((result) => result.remaining.map((f) => `${f.file}\0${f.service}\0${f.rule}`)),
  );
  const left = remaining.find(
    (f) =>
      f.severity === "error" &&
      byFile.get(f.file)?.has(f.service) &&
      !skipped.has(f.service) &&
      !leftInFile.has(`${f.file}\0${f.service}\0${f.rule}`),
  );
  if (left) throw spansFiles(left.service, remaining, left.file);
  return { files, edited: files.filter((r) => r.changed).map((r) => r.file), findings, remaining };
}

function spansFiles(service: string, findings: Finding[], file: string): StackmodError {
  const finding =
    findings.find((f) => f.service === service && f.file === file) ?? findings.find((f) => f.service === service)!;
  return new StackmodError(
    "UNSUPPORTED",
    `service "${service}" is refused only once the files are merged (its ${finding.rule} is here, its other ` +
      "networks or ports come from another file); stackmod edits one file at a time: write the service's " +
      `\`networks:\` (and \`ports:\`) in one of the files, or rewrite the merged file from \`docker stack ` +
      `config -c ... -c ...\``,
    finding,
  );
}
