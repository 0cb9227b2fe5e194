import { unifiedDiff } from "./diff.js";
import { withSlowHeapGrowth } from "./heap-growth.js";
import { StackmodError } from "./errors.js";
import { dropIngressPorts, dropNoneNetwork, fixNetworkModeWithNetworks } from "./fixes.js";
import { loadModel, type LoadOptions } from "./load.js";
import type { Dialect, ServiceModel, StackModel } from "./model/types.js";
import {
  fileOptionsSchema,
  optionError,
  readOptionsNode,
  resolveServiceOptions,
  serviceOptionsSchema,
  type OptionSources,
  type RawOptions,
} from "./options.js";
import { atLeast } from "./placement.js";
import { discoverPorts } from "./port-discovery.js";
import { detect } from "./rules/index.js";
import type { Finding } from "./rules/rule.js";
import { ServiceEdits } from "./service-edits.js";
import type { TextEdit } from "./text/edits.js";
import type { ExtraFile, Notes, Transform } from "./transform.js";
import { YamlEditor } from "./yaml/editor.js";
import { detectStyle } from "./yaml/style.js";
import { findTransform, transforms } from "../transforms/index.js";

export interface RewriteOptions extends LoadOptions {
  /** Options as the command-line flags give them, shaped like the top-level `x-stackmod` block. */
  options?: RawOptions;
  /** Options from a `--config` file, same shape. */
  config?: RawOptions;
  /** Rewrite only these services (default: every service with a finding). */
  services?: string[];
}

export interface Applied {
  service: string;
  strategy: string;
}

export interface Skipped {
  service: string;
  reason: string;
}

export interface Note {
  level: "info" | "warning";
  message: string;
}

export interface RewriteResult {
  file: string;
  /** The names of the file's services, in file order. */
  serviceNames: string[];
  original: string;
  output: string;
  changed: boolean;
  diff: string;
  findings: Finding[];
  applied: Applied[];
  skipped: Skipped[];
  notes: Note[];
  /** Findings left in the output (warnings, and errors of skipped services). */
  remaining: Finding[];
  /** Files the strategies want written beside the stack file (the lan setup script); never written here. */
  extraFiles: ExtraFile[];
}

/**
 * Rewrites the services the engine refuses. Pure: takes the file's text and
 * returns the new text, its diff and what was done; throws a StackmodError when
 * the input is bad or a service cannot be rewritten as asked.
 */
export function rewrite(source: string, options: RewriteOptions = {}): RewriteResult {
  return withSlowHeapGrowth(source.length, () => {
    // plan() returns only plain data: the input's document and model are unreachable
    // while the output is parsed again, so a huge file's two parses do not add up in memory
    // (once collected: heap-growth.ts).
    const { file, dialect, serviceNames, output, edits, findings, applied, skipped, notes, extraFiles } = plan(
      source,
      options,
    );
    const remaining = output === source ? findings : verify(output, { ...options, file, target: dialect }, skipped);
    return {
      file,
      serviceNames,
      original: source,
      output,
      changed: output !== source,
      diff: unifiedDiff(file, source, output, edits),
      findings,
      applied,
      skipped,
      notes,
      remaining,
      extraFiles,
    };
  });
}

interface Plan {
  file: string;
  serviceNames: string[];
  dialect: Dialect;
  output: string;
  edits: readonly TextEdit[];
  findings: Finding[];
  applied: Applied[];
  skipped: Skipped[];
  notes: Note[];
  extraFiles: ExtraFile[];
}

/** Detects, resolves the options and applies the strategies: the new text, and what was done. */
function plan(source: string, options: RewriteOptions): Plan {
  const model = loadModel(source, options);
  const findings = detect(model);
  const notes: Note[] = [];
  const say: Notes = {
    info: (message) => notes.push({ level: "info", message }),
    warn: (message) => notes.push({ level: "warning", message }),
  };
  const extraFiles = new Map<string, ExtraFile>();
  const files = { put: (file: ExtraFile) => void extraFiles.set(file.path, file) };
  const sources = optionSources(model, options, say);
  const editor = new YamlEditor(model.parsed.source, detectStyle(model.parsed.root, model.parsed.source));
  const edits = new ServiceEdits(model, editor);
  const applied: Applied[] = [];
  const skipped: Skipped[] = [];
  const wanted = options.services ? new Set(options.services) : undefined;

  // Grouped once: filtering every finding per service is quadratic on a file with thousands of services.
  const errorsByService = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.severity === "error")
      errorsByService.set(finding.service, [...(errorsByService.get(finding.service) ?? []), finding]);
  }
  for (const service of model.services) {
    const errors = errorsByService.get(service.name) ?? [];
    if (errors.length === 0) continue;
    if (wanted && !wanted.has(service.name)) {
      skipped.push({ service: service.name, reason: "not selected with --service" });
      continue;
    }
    const own = readOptionsNode(
      service.options?.value ?? null,
      model,
      serviceOptionsSchema(transforms),
      `services.${service.name}.x-stackmod`,
    );
    const { common, byKey } = resolveServiceOptions(service, own, sources, transforms);
    if (common.strategy === "skip") {
      skipped.push({ service: service.name, reason: "strategy: skip" });
      continue;
    }
    const rules = new Set(errors.map((f) => f.rule));
    if (rules.has("network-mode-with-networks") && service.networkMode?.value !== "host") {
      fixNetworkModeWithNetworks(service, edits, say);
      applied.push({ service: service.name, strategy: "fix" });
      continue;
    }
    if (rules.has("none-plus-network")) dropNoneNetwork(service, edits, say);
    if (rules.has("network-mode-with-networks") || (rules.has("host-plus-network") && hasOrdinaryNetwork(service))) {
      if (common.ports.length === 0) {
        const found = discoverPorts(service);
        common.ports = found.ports;
        common.portsSource = found.source;
      }
      const transform = findTransform(common.strategy) as Transform;
      transform.apply({ model, service, common, options: byKey[transform.optionsKey], edits, notes: say, files });
      applied.push({ service: service.name, strategy: transform.name });
    } else {
      // Left on the host network alone (host + none loses none): no strategy, no ports to ask for.
      if (rules.has("host-ingress-port")) dropIngressPorts(service, edits, say);
      applied.push({ service: service.name, strategy: "fix" });
    }
  }

  edits.topLevel.write();
  return {
    file: model.file,
    dialect: model.dialect,
    serviceNames: model.services.map((service) => service.name),
    output: editor.result(),
    edits: editor.edits.list(),
    findings,
    applied,
    skipped,
    notes,
    extraFiles: [...extraFiles.values()],
  };
}

/** A network other than host and none: with it beside host, the service needs a strategy. */
function hasOrdinaryNetwork(service: ServiceModel): boolean {
  return service.attachments.some((a) => a.network !== undefined && a.network.special === undefined);
}

/** The safety net: the output must parse and hold no error except for services left alone. */
function verify(output: string, options: RewriteOptions & { file: string }, skipped: Skipped[]): Finding[] {
  const after = detect(loadModel(output, options));
  const left = new Set(skipped.map((s) => s.service));
  const unexpected = after.find((f) => f.severity === "error" && !left.has(f.service));
  if (unexpected) {
    throw new StackmodError(
      "UNSUPPORTED",
      `internal check failed: the rewrite of "${unexpected.service}" still has ${unexpected.rule}; nothing was written. Please report this with the file`,
      { file: options.file, line: unexpected.line, column: unexpected.column },
    );
  }
  return after;
}

function optionSources(model: StackModel, options: RewriteOptions, notes: Notes): OptionSources {
  const schema = fileOptionsSchema(transforms);
  const validate = (value: RawOptions | undefined, label: string): RawOptions => {
    if (!value) return {};
    const result = schema.safeParse(value);
    if (result.success) return result.data as RawOptions;
    const issue = result.error.issues[0]!;
    throw optionError(issue, [label, ...issue.path.map(String)].join("."), { file: label, line: 1, column: 1 });
  };
  const file = readOptionsNode(model.options?.value ?? null, model, schema, "x-stackmod");
  if (model.options && !atLeast(model.version, 3, 4)) {
    notes.warn(
      `${model.file}: a top-level x-stackmod block needs file format 3.4 or later for docker stack; move the options to --config`,
    );
  }
  for (const service of model.services) {
    if (service.options && !atLeast(model.version, 3, 7)) {
      notes.warn(
        `${model.file}: service "${service.name}" has an x-stackmod block, which docker stack refuses before file format 3.7; use the top-level block's services.${service.name} or --config`,
      );
    }
  }
  return { file, cli: validate(options.options, "options"), config: validate(options.config, "config") };
}
