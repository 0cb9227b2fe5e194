import { unifiedDiff } from "./emit/diff.js";
import { hostPortBindings, newDoubleBindings, type Binding } from "./model/host-ports.js";
import { shapeMismatch, type PlannedShape } from "./edit/planned-shape.js";
import { layoutChange, layoutOf, type TextLayout } from "./edit/layout.js";
import { isDeepStrictEqual } from "node:util";
import { internalError, StackmodError, type SourcePosition } from "./errors.js";
import { loadModel, type LoadOptions } from "./model/load.js";
import type { Dialect, StackModel } from "./model/types.js";
import {
  fileOptionsSchema,
  optionError,
  resolveServiceOptions,
  settingsOf,
  type OptionSources,
  type RawOptions,
  type Setting,
} from "./plan/options.js";
import { readFileOptions, type FileOptions } from "./plan/file-options.js";
import type { StackmodOptions } from "./plan/option-types.js";
import { StackAnalysis } from "./analysis/index.js";
import { decide, portsFor } from "./plan/decide.js";
import { flowsOf, type Flow } from "./analysis/flows.js";
import { detect, engineFor, findRule, rules, type Finding, type RuleId } from "./rules/index.js";
import type { EngineVersion } from "./rules/engines.js";
import type { Rule } from "./rules/rule.js";
import { DeployAdditions } from "./rules/stack/deploy-additions.js";
import { inlineExtends } from "./rules/stack/extends.js";
import { ServiceEdits, type EditResult } from "./edit/service-edits.js";
import type { TextEdit } from "./edit/text-edits.js";
import { originIn, type Origin, type SourceText } from "./parse/source-text.js";
import type { ExtraFile, Notes, StrategyFacts, Transform } from "./strategies/strategy.js";
import { transforms } from "./strategies/index.js";

export interface RewriteOptions extends LoadOptions {
  /** Options as the command-line flags give them, shaped like the top-level `x-stackmod` block. */
  options?: StackmodOptions;
  /** Options from a `--config` file, same shape. */
  config?: StackmodOptions;
  /** Rewrite only these services (default: every service with a finding). */
  services?: string[];
  /**
   * Also apply the fixes of these rules (ids, or `all`) to their warnings. Fixes of
   * errors always run: the file cannot deploy without them.
   */
  fix?: string[];
}

export interface Applied {
  service: string;
  strategy: string;
  /**
   * What the strategy reports of how it applied the service, beyond its name, as its result gave it
   * (proxy: its direction); left out when it reports nothing more.
   */
  facts?: StrategyFacts;
  /** Why this strategy: given in the options, or the default chosen from the evidence (with it). */
  reason?: string;
}

export interface Skipped {
  service: string;
  reason: string;
}

/** The options in effect for a rewritten service, each with where it came from. */
interface ServiceSettings {
  service: string;
  settings: Setting[];
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
  /** Each flow of every rewritten service, kept (and how) or lost (and why). */
  flows: Flow[];
  /** Findings left in the output, at their place in it (warnings, and errors of skipped services). */
  remaining: Finding[];
  /**
   * The errors of `remaining`, each at its place in the input: where the user finds it in the file
   * until the output is written (a skipped service, a key no fix covers, a file-level finding).
   */
  remainingInInput: Finding[];
  /** The options each strategy ran with, and where each came from (`--verbose` shows them). */
  settings: ServiceSettings[];
  /** Files the strategies want written beside the stack file (the lan setup script); never written here. */
  extraFiles: ExtraFile[];
  /** The engine the findings were judged for. */
  engine: string;
}

/**
 * Rewrites the services the engine refuses. Pure: takes the file's text and
 * returns the new text, its diff and what was done; throws a StackmodError when
 * the input is bad or a service cannot be rewritten as asked.
 */
export function rewrite(source: string, options: RewriteOptions = {}): RewriteResult {
  return rewriteWith(source, options, transforms);
}

const unmoved = (offset: number) => offset;

/**
 * `outer(…(inner(offset)))`, made outside `plan`: a closure made inside it would hold plan's whole scope (V8 gives
 * the closures of one scope one shared context), and with it the input's model, while the output is parsed.
 */
function composeBack(...maps: ((offset: number) => number)[]): (offset: number) => number {
  return (offset) => maps.reduceRight((at, map) => map(at), offset);
}

/**
 * `rewrite` with these strategies (the registry's, in `rewrite`): what `x-stackmod` and the flags may choose from.
 * `origin`, for a text stackmod made (the merged text of a layered stack), makes every position the input's
 * nodes give one in the files the user wrote.
 */
export function rewriteWith(
  source: string,
  options: RewriteOptions,
  strategies: readonly Transform[],
  origin?: Origin,
  beside?: string,
): RewriteResult {
  // plan() returns only plain data: the input's document and model are unreachable
  // while the output is parsed again, so a huge file's two parses do not add up in memory.
  let planned: Plan;
  let remaining: Finding[];
  let remainingInInput: Finding[];
  try {
    planned = plan(source, options, strategies, origin, beside);
    const { file, dialect, output, findings } = planned;
    if (output === source) {
      remaining = findings;
      remainingInInput = findings.filter((f) => f.severity === "error");
    } else {
      const checked = verifyOutput(output, { ...options, file, target: dialect }, planned);
      remaining = checked.findings;
      remainingInInput = remaining.filter((f) => f.severity === "error").map(checked.inInput);
    }
  } catch (error) {
    throw internalError(options.file ?? "<stdin>", error);
  }
  const { file, serviceNames, output, edits, findings, applied, skipped, notes, extraFiles, engine } = planned;
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
    flows: planned.flows,
    remaining,
    remainingInInput,
    settings: planned.settings,
    extraFiles,
    engine: engine.text,
  };
}

export interface Plan {
  engine: EngineVersion;
  /** Findings a fix left as they were, by service and rule: verify expects them. */
  left: Set<string>;
  file: string;
  serviceNames: string[];
  dialect: Dialect;
  output: string;
  edits: readonly TextEdit[] | undefined;
  findings: Finding[];
  applied: Applied[];
  skipped: Skipped[];
  notes: Note[];
  settings: ServiceSettings[];
  extraFiles: ExtraFile[];
  flows: Flow[];
  /** The input's host ports, for the verify step. */
  bindings: Map<string, Binding[]>;
  /** The input's BOM, line ends and final newline, which the output keeps: the verify step checks. */
  layout: TextLayout;
  /**
   * What must read the same after the rewrite: the services no strategy or fix was applied to, and the other top-level
   * keys.
   */
  unchanged: Unchanged;
  /** Where the first rewritten service is: stackmod's own mistakes are reported there. */
  where: SourcePosition;
  /** The input's text, and where an offset of the output comes from in it (inserted text: where it went in). */
  input: SourceText;
  toInput: (offset: number) => number;
  /** Services renamed in place, new name to old (split). */
  renamed: Map<string, string>;
  /** Services added as a copy of another's settings (split's collector), new name to the original. */
  copies: ReadonlyMap<string, string>;
  /** What the services it rewrote or added read as afterwards, as the strategies planned them. */
  planned: ReadonlyMap<string, PlannedShape>;
}

interface Unchanged {
  services: Map<string, unknown>;
  /** Keys of those services that a strategy changed on purpose (split's `depends_on` following a rename). */
  followed: Map<string, Set<string>>;
  /** Top-level keys besides `services:`; in the sections a rewrite declares into, each existing entry. */
  topLevel: Map<string, unknown>;
  sections: Map<string, Map<string, unknown>>;
}

/** Top-level sections a rewrite may add declarations to (and never changes an existing one of). */
const declarationSections = new Set(["networks", "volumes", "secrets", "configs"]);

function unchangedData(model: StackModel, applied: Applied[], followed: Map<string, Set<string>>): Unchanged {
  const rewritten = new Set(applied.map((a) => a.service));
  const services = new Map<string, unknown>();
  for (const service of model.services) {
    if (!rewritten.has(service.name)) services.set(service.name, without(service.data, followed.get(service.name)));
  }
  const topLevel = new Map<string, unknown>();
  const sections = new Map<string, Map<string, unknown>>();
  const data = (model.parsed.data ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(data)) {
    if (key === "services") continue;
    if (declarationSections.has(key) && isRecord(value)) sections.set(key, new Map(Object.entries(value)));
    else topLevel.set(key, value);
  }
  return { services, followed, topLevel, sections };
}

/** The data less the keys a strategy changed on purpose. */
function without(data: unknown, keys: Set<string> | undefined): unknown {
  if (!keys || !isRecord(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !keys.has(key)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Detects, resolves the options and applies the fixes and strategies: the new text, and what was done. */
export function plan(
  source: string,
  options: RewriteOptions,
  strategies: readonly Transform[] = transforms,
  origin?: Origin,
  /** The stack file extra files go beside and are named after (default: the file; see `ExtraFiles.beside`). */
  beside?: string,
): Plan {
  const input = loadModel(source, options, origin);
  const fromConfig = options.config?.engine;
  const engine = engineFor(input, options.engine, fromConfig === undefined ? undefined : String(fromConfig));
  const findings = detect(input, engine);
  const notes: Note[] = [];
  const say: Notes = {
    info: (message) => notes.push({ level: "info", message }),
    warn: (message) => notes.push({ level: "warning", message }),
  };
  const extraFiles = new Map<string, ExtraFile>();
  const files = { beside: beside ?? input.file, put: (file: ExtraFile) => void extraFiles.set(file.path, file) };
  const sources = optionSources(input, options, say, strategies);
  const asked = askedFixes(options.fix);
  const skipped: Skipped[] = [];
  const settings: ServiceSettings[] = [];
  const left = new Set<string>();
  const wanted = options.services ? new Set(options.services) : undefined;

  const activeOf = (model: StackModel, found: Finding[], report: boolean) => {
    // Grouped once: filtering every finding per service is quadratic on a file with thousands of services.
    // A finding is this run's to fix when it is an error, or when --fix asked for its rule.
    const chosenByService = new Map<string, Finding[]>();
    for (const finding of found) {
      if (finding.severity !== "error" && !asked(finding.rule)) continue;
      chosenByService.set(finding.service, [...(chosenByService.get(finding.service) ?? []), finding]);
    }
    const active = new Map<string, { findings: Finding[]; own: RawOptions }>();
    for (const service of model.services) {
      const chosen = chosenByService.get(service.name) ?? [];
      if (chosen.length === 0) continue;
      if (wanted && !wanted.has(service.name)) {
        if (report) skipped.push({ service: service.name, reason: "not selected with --service" });
        continue;
      }
      const own = sources.services.get(service.name) ?? {};
      const { common } = resolveServiceOptions(service, own, sources, strategies);
      if (common.strategy === "skip") {
        if (report) skipped.push({ service: service.name, reason: "strategy: skip" });
        continue;
      }
      active.set(service.name, { findings: chosen, own });
    }
    return active;
  };

  // Pass 0: same-file `extends` inlined first, so that the fixes and strategies see the keys it brings.
  const done = new Map<string, string>();
  const extending = findings.some((f) => f.rule === "stack-forbidden-key" && f.key === "extends");
  const pass0 = extending
    ? inlineExtendsPass(input, activeOf(input, findings, false), options, say, done, left)
    : { text: source, back: unmoved };
  const inlined = pass0.text;
  // The later passes read texts stackmod made: what they report points into the user's file.
  const fromInput = (back: (offset: number) => number) => originIn(input.parsed.source, back);
  const first = inlined === source ? input : loadModel(inlined, options, fromInput(pass0.back));
  const active = activeOf(first, first === input ? findings : detect(first, engine), true);

  // Pass 1: the fixes of keys (the stack rules), on their own, so that a strategy then sees a stack-ready file.
  const keysPass = runFixes(first, active, "keys", say, done, left);
  const model =
    keysPass.output === inlined
      ? first
      : loadModel(
          keysPass.output,
          options,
          fromInput((offset) => pass0.back(keysPass.back(offset))),
        );

  // Pass 2: the network fixes and the strategies.
  const edits = new ServiceEdits(model);
  const deploy = new DeployAdditions(edits);
  const analysis = new StackAnalysis(model);
  const flows: Flow[] = [];
  // Each strategy's state for this run, made when it first applies: services share what it holds.
  const runs = new Map<Transform, unknown>();
  const decisions = new Map<string, Pick<Applied, "facts" | "reason">>();
  for (const service of model.services) {
    const entry = active.get(service.name);
    if (!entry) continue;
    // One protection for every strategy and fix: a body that other services use is never changed.
    edits.assertOwnBody(service);
    const ruleIds = new Set(entry.findings.map((f) => f.rule));
    const fixing = rulesOf(ruleIds).filter((rule) => rule.fix?.pass === "network");
    const context = (rule: Rule<RuleId>) => ({
      model,
      service,
      findings: entry.findings.filter((f) => f.rule === rule.id),
      edits,
      deploy,
      notes: say,
    });
    const alone = fixing.find((rule) => rule.fix!.alone?.(service));
    if (alone) {
      alone.fix!.apply!(context(alone));
      done.set(service.name, "fix");
      continue;
    }
    const strategy = fixing.some((rule) => rule.fix!.strategy?.(service));
    for (const rule of fixing) {
      const apply = rule.fix!.apply;
      if (!apply || (rule.supersededByStrategy && strategy)) continue;
      record(apply(context(rule)), service.name, rule.id, done, left);
    }
    if (!strategy && fixing.length > 0 && !done.has(service.name)) done.set(service.name, "fix");
    if (strategy) {
      const { common, byKey, origins } = resolveServiceOptions(service, entry.own, sources, strategies);
      const facts = analysis.analyze(service, { ports: common.ports, source: common.portsSource });
      const decided = decide(common, facts, service, strategies, origins);
      const transform = decided.transform;
      const options = { ...byKey[transform.optionsKey], ...decided.options };
      if (common.ports.length === 0) {
        const found = portsFor(transform, options, facts);
        common.ports = found.ports;
        common.portsSource = found.source;
      }
      const chosen = new Map(origins);
      if (!common.explicitStrategy) chosen.set("strategy", `chosen by stackmod: ${decided.reason}`);
      for (const field of Object.keys(decided.options)) {
        const path = `${transform.optionsKey}.${field}`;
        if (!origins.has(path)) chosen.set(path, "chosen with the strategy");
      }
      const effective = { ...common, strategy: transform.name };
      if (!runs.has(transform)) runs.set(transform, transform.newRun?.());
      const state = runs.get(transform);
      const ctx = { model, service, analysis: facts, common, options, edits, notes: say, files, state };
      const result = transform.apply(ctx);
      if (result.applied) {
        settings.push({
          service: service.name,
          settings: settingsOf(effective, options, transform.optionsKey, chosen),
        });
        const placement = { service: service.name, dialect: model.dialect, detail: result.placement };
        flows.push(...flowsOf(facts, transform.flows(placement), service.position));
        done.set(service.name, transform.name);
        decisions.set(service.name, { ...(result.facts ? { facts: result.facts } : {}), reason: decided.reason });
      } else {
        skipped.push({ service: service.name, reason: result.reason });
        for (const rule of rulesOf(ruleIds)) left.add(`${service.name}\0${rule.id}`);
        continue;
      }
    }
    for (const rule of rulesOf(ruleIds)) if (!rule.fix) left.add(`${service.name}\0${rule.id}`);
    if (!done.has(service.name)) {
      const unfixed = [...ruleIds].join(", ");
      skipped.push({
        service: service.name,
        reason: `no safe fix for ${unfixed}; run \`stackmod explain ${[...ruleIds][0]}\` for the way out`,
      });
    }
  }
  deploy.write();
  const { output, edits: spliced, back } = edits.finish();
  const applied = model.services.flatMap((s) =>
    done.has(s.name) ? [{ service: s.name, strategy: done.get(s.name)!, ...decisions.get(s.name) }] : [],
  );
  return {
    engine,
    left,
    file: model.file,
    dialect: model.dialect,
    serviceNames: model.services.map((service) => service.name),
    output,
    // The diff cuts a large file at the edits; after two passes they are not against the original.
    edits:
      first !== input ? undefined : model === first ? spliced : output === keysPass.output ? keysPass.edits : undefined,
    findings,
    applied,
    skipped,
    notes,
    settings,
    extraFiles: [...extraFiles.values()],
    flows,
    bindings: hostPortBindings(first),
    layout: layoutOf(source),
    // Against the input as it was read: the first pass's fixes count as rewrites of their services.
    unchanged: unchangedData(first, applied, edits.followed),
    renamed: edits.renamed,
    copies: edits.copies,
    planned: edits.planned,
    where: first.services.find((service) => done.has(service.name))?.position ?? {
      file: first.file,
      line: 1,
      column: 1,
    },
    input: input.parsed.source,
    toInput: composeBack(pass0.back, keysPass.back, back),
  };
}

/** What a fix did: the service counts as fixed when it changed; what it left, verify expects. */
function record(
  outcome: boolean | "partial",
  service: string,
  rule: RuleId,
  done: Map<string, string>,
  left: Set<string>,
): void {
  if (outcome !== false && !done.has(service)) done.set(service, "fix");
  if (outcome !== true) left.add(`${service}\0${rule}`);
}

/** The rules of these ids, in the registry's order (the order fixes run in). */
function rulesOf(ids: Set<RuleId>): Rule<RuleId>[] {
  return rules.filter((rule) => ids.has(rule.id));
}

/** One pass of fixes over its own edits: the new text and its edits. */
function runFixes(
  model: StackModel,
  active: Map<string, { findings: Finding[] }>,
  pass: "keys",
  notes: Notes,
  done: Map<string, string>,
  left: Set<string>,
): EditResult {
  const edits = new ServiceEdits(model);
  const deploy = new DeployAdditions(edits);
  for (const service of model.services) {
    const entry = active.get(service.name);
    if (!entry) continue;
    const fixes = rulesOf(new Set(entry.findings.map((f) => f.rule))).filter((rule) => rule.fix?.pass === pass);
    if (fixes.some((rule) => rule.fix?.apply)) edits.assertOwnBody(service);
    for (const rule of rulesOf(new Set(entry.findings.map((f) => f.rule)))) {
      const fix = rule.fix;
      if (!fix?.apply || fix.pass !== pass) continue;
      const mine = entry.findings.filter((f) => f.rule === rule.id);
      record(fix.apply({ model, service, findings: mine, edits, deploy, notes }), service.name, rule.id, done, left);
    }
  }
  deploy.write();
  return edits.finish();
}

/**
 * Pass 0: every chosen `extends` of a same-file service inlined (stack-forbidden-key's fix), one
 * level a round: a service whose base extends another waits until its base has been inlined.
 */
function inlineExtendsPass(
  input: StackModel,
  active: Map<string, { findings: Finding[] }>,
  options: RewriteOptions,
  notes: Notes,
  done: Map<string, string>,
  left: Set<string>,
): { text: string; back: (offset: number) => number } {
  let waiting = input.services
    .filter((s) => active.get(s.name)?.findings.some((f) => f.rule === "stack-forbidden-key" && f.key === "extends"))
    .map((s) => s.name);
  let model = input;
  let back = (offset: number) => offset;
  while (waiting.length > 0) {
    const edits = new ServiceEdits(model);
    const next: string[] = [];
    for (const name of waiting) {
      const service = model.services.find((s) => s.name === name)!;
      edits.assertOwnBody(service);
      const outcome = inlineExtends(model, service, edits, notes, (base) => waiting.includes(base));
      if (outcome === "wait") next.push(name);
      else if (outcome) done.set(name, "fix");
      else left.add(`${name}\0stack-forbidden-key`);
    }
    const { output, back: round } = edits.finish();
    if (next.length === waiting.length) {
      for (const name of next) {
        const service = model.services.find((s) => s.name === name)!;
        inlineExtends(model, service, edits, notes, () => false);
        left.add(`${name}\0stack-forbidden-key`);
      }
      break;
    }
    waiting = next;
    if (output === model.parsed.source.read) continue;
    const earlier = back;
    back = (offset) => earlier(round(offset));
    model = loadModel(output, options, originIn(input.parsed.source, back));
  }
  return { text: model.parsed.source.read, back };
}

/** `--fix RULE` / `--fix all`: which warnings' fixes to run as well; an unknown rule is a usage error. */
function askedFixes(fix: string[] | undefined): (rule: RuleId) => boolean {
  const names = new Set(fix ?? []);
  for (const name of names) {
    if (name !== "all" && !findRule(name)) {
      throw new StackmodError(
        "USAGE",
        `--fix ${name}: no such rule; the rules are ${rules.map((r) => r.id).join(", ")} (or all)`,
        { file: "<command line>", line: 1, column: 1 },
      );
    }
  }
  return (rule) => names.has("all") || names.has(rule);
}

/**
 * The safety net: the output must keep the input's BOM, line ends and final newline,
 * parse, hold no error except for services left alone and findings a fix said it could
 * not make, and read (as data, the way the model reads it) exactly as the input did
 * everywhere no strategy or fix was applied. A failure here is stackmod's own mistake, never the user's: an INTERNAL
 * error at the rewritten service.
 */
export function verify(output: string, options: RewriteOptions & { file: string }, planned: Plan): Finding[] {
  return verifyOutput(output, options, planned).findings;
}

/** `verify`, and a finding of the output at its place in the input. */
function verifyOutput(
  output: string,
  options: RewriteOptions & { file: string },
  planned: Plan,
): { findings: Finding[]; inInput: (finding: Finding) => Finding } {
  const internal = (what: string) =>
    new StackmodError(
      "INTERNAL",
      `stackmod's rewrite is wrong: ${what}; nothing was written. This is a bug in stackmod, not in your ` +
        "file: please report it with the file",
      planned.where,
    );
  const layout = layoutChange(planned.layout, output);
  if (layout) throw internal(layout);
  let model: StackModel;
  try {
    model = loadModel(output, options);
  } catch (error) {
    if (!(error instanceof StackmodError)) throw error;
    throw internal(
      `its output does not read back (${error.code} at line ${error.line} of the output: ${error.message})`,
    );
  }
  const twice = newDoubleBindings(planned.bindings, hostPortBindings(model))[0];
  if (twice) throw internal(`it would bind host port ${twice[0]} twice (${twice[1].join("; ")})`);
  const after = detect(model, planned.engine);
  const alone = new Set(planned.skipped.map((s) => s.service));
  // A finding left on a service is its processor's (renamed) and its collector's (a copy of its keys) too.
  const was = (service: string) => planned.renamed.get(service) ?? planned.copies.get(service) ?? service;
  const unexpected = after.find(
    // File-level findings (service "") have no fix: they stay, as check reports them.
    (f) =>
      f.severity === "error" &&
      f.service !== "" &&
      !alone.has(was(f.service)) &&
      !planned.left.has(`${was(f.service)}\0${f.rule}`),
  );
  if (unexpected) throw internal(`the rewrite of "${unexpected.service}" still has ${unexpected.rule}`);
  const mismatch = shapeMismatch(model, planned.planned, planned.renamed);
  if (mismatch) throw internal(`${mismatch}: its edit does not say what it meant`);
  const changed = changedUnchanged(model, planned.unchanged);
  if (changed) throw internal(`${changed}, which it was not asked to change`);
  const source = model.parsed.source;
  const inInput = (finding: Finding): Finding => {
    const offset = offsetOf(source, finding.line, finding.column);
    return { ...finding, ...planned.input.position(planned.toInput(offset)) };
  };
  return { findings: after, inInput };
}

/** The offset of a 1-based line and column of `source`, as `SourceText.position` gives them (a BOM is no column). */
function offsetOf(source: SourceText, line: number, column: number): number {
  const start = source.lineCounter.lineStarts[line - 1] ?? 0;
  const bom = source.hasBom && line === 1 ? 1 : 0;
  return start + column - 1 + bom;
}

/** What reads differently after the rewrite, of what had to stay the same; undefined when nothing does. */
function changedUnchanged(model: StackModel, unchanged: Unchanged): string | undefined {
  const services = new Map(model.services.map((service) => [service.name, service.data]));
  for (const [name, data] of unchanged.services) {
    const now = without(services.get(name), unchanged.followed.get(name));
    if (!isDeepStrictEqual(now, data)) return `service "${name}" reads differently`;
  }
  const data = (model.parsed.data ?? {}) as Record<string, unknown>;
  for (const [key, value] of unchanged.topLevel) {
    if (!isDeepStrictEqual(data[key], value)) return `the top-level \`${key}:\` reads differently`;
  }
  for (const [section, entries] of unchanged.sections) {
    const now = data[section];
    for (const [key, value] of entries) {
      if (!isRecord(now) || !isDeepStrictEqual(now[key], value)) return `\`${section}.${key}\` reads differently`;
    }
  }
  return undefined;
}

function optionSources(
  model: StackModel,
  options: RewriteOptions,
  notes: Notes,
  strategies: readonly Transform[],
): OptionSources & FileOptions {
  const schema = fileOptionsSchema(strategies);
  const validate = (value: RawOptions | undefined, label: string): RawOptions => {
    if (!value) return {};
    const result = schema.safeParse(value);
    if (result.success) return result.data as RawOptions;
    const issue = result.error.issues[0]!;
    throw optionError(issue, [label, ...issue.path.map(String)].join("."), { file: label, line: 1, column: 1 });
  };
  const own = readFileOptions(model, strategies);
  for (const warning of own.warnings) notes.warn(warning);
  return {
    ...own,
    cli: validate(options.options as RawOptions | undefined, "options"),
    config: validate(options.config as RawOptions | undefined, "config"),
  };
}
