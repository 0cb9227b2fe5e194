import type { SourcePosition } from "../errors.js";
import type { Dialect, ServiceModel, StackModel } from "../model/types.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import type { DeployAdditions } from "./stack/deploy-additions.js";
import type { Notes } from "../edit/notes.js";
import type { EngineRange } from "./engines.js";
import type { EngineText } from "./engine-texts.js";

export type Severity = "error" | "warning";

/**
 * One finding. `Id` is the rule's id: inside a rule's file, its own; outside, `Finding` from the registry
 * (`./index.ts`) narrows it to the ids of the registered rules.
 */
export interface Finding<Id extends string = string> extends SourcePosition {
  rule: Id;
  severity: Severity;
  service: string;
  message: string;
  /** The engine's own error text, for errors: what users see and search for. */
  engineError?: string;
  /**
   * Set when the finding does not bite on the engine it was judged for: the
   * engine from which it does (the severity is then a warning).
   */
  bitesFrom?: string;
  /** The Compose key the finding is about (the stack rules), for the fix. */
  key?: string;
}

/** What a rule's docs say: for `stackmod explain`, SARIF help and the README's list. */
interface RuleDocs {
  /** What the engine or `docker stack` does with such a file. */
  full: string;
  /** What to do about it. */
  help: string;
  /** Where each fact comes from: files at tags, issues, release notes, measurements here. */
  sources: readonly string[];
  /** The fix `rewrite` makes, in a few words, or undefined when there is none. */
  fix?: string;
}

export interface FixContext {
  model: StackModel;
  service: ServiceModel;
  /** This rule's findings for this service. */
  findings: Finding[];
  edits: ServiceEdits;
  /** Keys to add under the service's `deploy:`, written once per pass (two fixes may add to it). */
  deploy: DeployAdditions;
  notes: Notes;
}

/**
 * A rule's fix. `default` fixes run on every rewrite (an error the file cannot
 * deploy with); `asked` ones only with `--fix RULE` or `--fix all`.
 */
interface RuleFix {
  runs: "default" | "asked";
  /** `keys` fixes run first, on their own; `network` fixes run beside the strategies. */
  pass: "keys" | "network";
  /** When this holds, the service is rewritten by its strategy (proxy, split, lan, publish). */
  strategy?: (service: ServiceModel) => boolean;
  /** When this holds, `apply` settles the service on its own: no other fix or strategy runs for it. */
  alone?: (service: ServiceModel) => boolean;
  /**
   * true: every finding fixed; "partial": some fixed, some left; false: none fixed.
   * What it leaves it says in a note.
   */
  apply?: (context: FixContext) => boolean | "partial";
}

/**
 * One detection rule: a pure function of the model, one finding per offending service, key or port.
 * Declare it with its id as the type argument (`Rule<"my-rule">`): the registry derives `RuleId` from those.
 */
export interface Rule<Id extends string = string> {
  id: Id;
  severity: Severity;
  summary: string;
  /** The dialects it looks at (stack rules: swarm only). */
  dialects: readonly Dialect[];
  /** On which engines it bites, per dialect. */
  engines: Readonly<Record<Dialect, readonly EngineRange[]>>;
  /** What the engine or the CLI says, on which engines, and where the text is. */
  texts: readonly EngineText[];
  docs: RuleDocs;
  check(service: ServiceModel, model: StackModel): Finding<Id>[];
  /**
   * Findings about the file rather than a service (service ""), e.g. top-level keys: build them with `fileFindingOf`.
   */
  checkFile?(model: StackModel): Finding<Id>[];
  fix?: RuleFix;
  /** The SARIF tag that groups it (default: networking). */
  tag?: "networking" | "stack-compatibility" | "engine-upgrade";
  /** A security finding's SARIF security-severity (0-10). */
  security?: string;
  /** Before the engines it bites on, the file runs only by a loophole a later engine closed (default: by design). */
  loophole?: boolean;
  /**
   * The engine refuses to start a Swarm task of a service that breaks it, with one of `texts`:
   * `stackmod audit` matches the errors of a running cluster's tasks against those texts.
   */
  refusesTasks?: boolean;
  /** A fix that the strategy's own rewrite makes unnecessary (it handles the ports itself). */
  supersededByStrategy?: boolean;
}

/** A finding of `rule` for `service` at `position`, with the engine's own words when it has them. */
export function findingOf<Id extends string>(
  rule: Rule<Id>,
  service: ServiceModel,
  position: SourcePosition,
  message: string,
  engineError?: string,
): Finding<Id> {
  return finding(rule, service.name, position, message, engineError);
}

/** A finding about the file rather than one service (a network, a top-level key): its service is "". */
export function fileFindingOf<Id extends string>(
  rule: Rule<Id>,
  position: SourcePosition,
  message: string,
  engineError?: string,
): Finding<Id> {
  return finding(rule, "", position, message, engineError);
}

function finding<Id extends string>(
  rule: Rule<Id>,
  service: string,
  position: SourcePosition,
  message: string,
  engineError: string | undefined,
): Finding<Id> {
  return {
    ...position,
    rule: rule.id,
    severity: rule.severity,
    service,
    message,
    ...(engineError ? { engineError } : {}),
  };
}

/** Same ranges for both dialects. */
export function onEngines(ranges: readonly EngineRange[]): Record<Dialect, readonly EngineRange[]> {
  return { swarm: ranges, compose: ranges };
}
