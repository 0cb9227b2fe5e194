import type * as z from "../zod.js";
import type { SourcePosition } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import type { ServiceAnalysis } from "../analysis/types.js";
import type { FlowReasoning, Placement } from "../analysis/flows.js";
import type { Reading } from "../analysis/reading.js";
import type { Notes } from "../edit/notes.js";
import type { PortRequest } from "../model/port-request.js";

export type { Notes, PortRequest };

/** Options every strategy gets, after validation and precedence: the ports it works with. */
export interface CommonOptions {
  ports: PortRequest[];
  /** Where the ports came from, said in the report when they were guessed. */
  portsSource: string;
}

/**
 * A command-line flag of `stackmod rewrite` that sets one of the strategy's options. The CLI registers
 * each declared flag (src/cli/commands/option-flags.ts) and reports an invalid value by its flag.
 */
export interface StrategyFlag {
  /** As commander takes it: `--lan-range <node=cidr>`. */
  flags: string;
  /** The property commander stores the value under. */
  attribute: string;
  /** The option it sets in the strategy's block, dotted: `processor.constraints`. */
  option: string;
  /**
   * Its help; `--help` shows it as `NAME: HELP`. A flag that several strategies declare (the same `flags`)
   * sets the option of each, and its help reads `HELP (NAME), or HELP (NAME): VALUES`.
   */
  help: string;
  /** The values it takes, for a flag several strategies share: each of them gives the same. */
  values?: string;
  /** It may be given again: its value is then the list of every value given. */
  repeatable?: boolean;
  /** The option's value from what the flag was given (by default, that); a bad value is a USAGE error. */
  read?(given: string[]): unknown;
}

/** A file a transform wants written beside the stack file (e.g. a setup script); the CLI writes it. */
export interface ExtraFile {
  /** Relative to the current folder, like the stack file's own path. */
  path: string;
  content: string;
  /** Permission bits for a new file, e.g. 0o755. */
  mode: number;
  /**
   * Text that every version of this file that stackmod generates holds in its first
   * lines: an existing file without it is not stackmod's and is never overwritten.
   */
  signature: string;
  /** Where its path was chosen (the lan.script option), for an error about that path. */
  origin?: SourcePosition;
  /** The option that chooses its path, as the error about that path tells the user to set it: `lan.script`. */
  pathOption: string;
}

/** Where a transform hands its extra files; a later `put` of the same path replaces the earlier one. */
interface ExtraFiles {
  /**
   * The stack file they go beside and are named after: the file rewritten; for the merged plan of a layered stack
   * (`-c A -c B`, whose text is no file), the file that holds the service's conflict.
   */
  readonly beside: string;
  put(file: ExtraFile): void;
}

export interface TransformContext<Options, State = undefined> {
  model: StackModel;
  service: ServiceModel;
  /** What the file shows the service does on each side (the analysis stage). */
  analysis: ServiceAnalysis | undefined;
  common: CommonOptions;
  options: Options;
  edits: ServiceEdits;
  notes: Notes;
  files: ExtraFiles;
  /**
   * What this strategy has set up so far in this rewrite (from `newRun`), the same object for
   * every service of the run: services that share a queue or a network find what an earlier one made.
   */
  state: State;
}

/**
 * What the report says of how a strategy applied a service, beyond its name: words of its own, by field.
 * The text report writes them after the name (`rewrote "app" with NAME VALUE…`), the JSON report as fields
 * of the service's `applied` entry after `strategy` (each one declared in schema/report-v1.schema.json).
 */
export type StrategyFacts = Readonly<Record<string, string>>;

/**
 * What `apply` hands back: applied, with what the strategy's flows need to know of where it put the
 * service (`placement`, of its own type: its `flows` reads it) and what the report says of it (`facts`,
 * of its own type), or skipped with a reason the report shows (the service stays as it was, and its
 * findings remain). A strategy whose flows need nothing leaves `placement` out; one that reports nothing
 * beyond its name leaves `facts` out.
 */
type StrategyResult<Detail, Facts> =
  | ({ applied: true } & (undefined extends Detail ? { placement?: Detail } : { placement: Detail }) &
      (undefined extends Facts ? { facts?: Facts } : { facts: Facts }))
  | { applied: false; reason: string };

/**
 * One strategy. `apply` records edits through `ctx.edits`, explains itself through `ctx.notes`
 * and says what it did in its result; it throws a StackmodError when the service cannot be
 * rewritten as asked. It never touches text outside what it edits, and keeps nothing between
 * runs: what it shares between the services of one run lives in `ctx.state`.
 *
 * `Name` and `Key` are literal types (declare a strategy with `defineStrategy`): the registry
 * (./index.ts) derives the strategy names and the typed options of `x-stackmod` from them. `State`
 * (what `newRun` makes), `Detail` (what `apply` says of where it put a service, for `flows`) and `Facts`
 * (what `apply` says of it for the report) are the strategy's own.
 */
export interface Transform<
  Name extends string = string,
  Key extends string = string,
  Options = unknown,
  State = unknown,
  Detail = unknown,
  Facts extends StrategyFacts | undefined = StrategyFacts | undefined,
> {
  /** The value of `strategy:` and `--strategy`. */
  name: Name;
  summary: string;
  /** The key of its options block inside `x-stackmod` (e.g. `proxy:`). */
  optionsKey: Key;
  /** Its options (zod/mini); every field has a default and a `z.describe()` text for `stackmod transforms`. */
  optionsSchema: z.ZodMiniType<Options>;
  /** The flags of `stackmod rewrite` that set its options, in the order `--help` lists them. */
  flags: readonly StrategyFlag[];
  /** A fresh state for one rewrite run; a strategy without one leaves this out. */
  newRun?(): State;
  apply(ctx: TransformContext<Options, State>): StrategyResult<Detail, Facts>;
  /**
   * What became of each thing the analysis found the service doing (its host ports, its broadcasts,
   * who reaches it, what it refers to), kept or lost, once `apply` placed it as `at.detail` says: the
   * flow report. Shared verdicts (off the host network, a reference from the host) are in
   * src/analysis/flows.ts.
   */
  flows(at: Placement<Detail>): FlowReasoning;
  /**
   * It is the default for a service whose evidence reads so: the options that fixes, and why.
   * Left out: it runs only when given. The first strategy of the registry that takes a reading wins.
   */
  chooseFor?(reading: Reading): Choice<Options> | undefined;
  /** An option of its block that, given without a strategy, chooses this strategy. */
  impliedBy?: string;
  /**
   * Given by name: what the evidence decides of the options no layer gave (`given`: the fields of its
   * block some layer gave), and why. Left out, or undefined: it runs as given.
   */
  complete?(reading: Reading | undefined, given: ReadonlySet<string>): Choice<Options> | undefined;
  /** The ports it works with when none were given, when they are not the host ports the analysis found. */
  portsFor?(options: Options, analysis: ServiceAnalysis): { ports: PortRequest[]; source: string } | undefined;
  /**
   * What it adds to the choices of the UNDECIDED error (a service whose evidence decides nothing):
   * `withPorts`, what it is chosen for once the ports are given (`proxy for broadcasts`); `instead`,
   * a choice of its own that needs no port (the flag to give, and what it does).
   */
  undecided?: { withPorts?: string; instead?: string };
}

/** A strategy the evidence chose, or completed: the options of its block the choice fixes, and why (for the report). */
export interface Choice<Options> {
  options: Partial<Options>;
  reason: string;
}

/**
 * A strategy with its name and options key kept as literal types, for the registry to derive from.
 * Its state's, its placement's and its facts' types are its own: `apply` and `flows` are checked against
 * them here, and nothing outside needs them.
 */
export function defineStrategy<
  const Name extends string,
  const Key extends string,
  Options,
  State = undefined,
  Detail = undefined,
  Facts extends StrategyFacts | undefined = undefined,
>(
  strategy: Transform<Name, Key, NoInfer<Options>, State, Detail, Facts> & { optionsSchema: z.ZodMiniType<Options> },
): Transform<Name, Key, Options> {
  return strategy;
}

/** The options type of a strategy. */
export type OptionsOf<T> = T extends { optionsSchema: z.ZodMiniType<infer Options> } ? Options : never;
