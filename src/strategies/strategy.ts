import type * as z from "../zod.js";
import type { SourcePosition } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { ServiceEdits } from "../edit/service-edits.js";
import type { ServiceAnalysis } from "../analysis/types.js";
import type { Placement } from "../analysis/flows.js";
import type { Notes } from "../edit/notes.js";
import type { PortRequest } from "../model/port-request.js";

export type { Notes, PortRequest };

export type StrategyName = "publish" | "proxy" | "split" | "lan";

/** Options shared by every strategy, after validation and precedence. */
export interface CommonOptions {
  strategy: StrategyName | "skip";
  /** The strategy was given (options, flags, config); otherwise the analysis chooses it. */
  explicitStrategy: boolean;
  /** proxy.direction as given, if it was: it implies the proxy strategy. */
  explicitDirection: "inbound" | "outbound" | undefined;
  ports: PortRequest[];
  /** Where the ports came from, said in the report when they were guessed. */
  portsSource: string;
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
}

/** Where a transform hands its extra files; a later `put` of the same path replaces the earlier one. */
interface ExtraFiles {
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
 * What `apply` hands back: applied, with where it rewired references to other services (for the
 * flow report: the address a host-network half now uses for each), or skipped with
 * a reason the report shows (the service stays as it was, and its findings remain).
 */
type StrategyResult = { applied: true; rewired?: Placement["rewritten"] } | { applied: false; reason: string };

/**
 * One strategy. `apply` records edits through `ctx.edits`, explains itself through `ctx.notes`
 * and says what it did in its result; it throws a StackmodError when the service cannot be
 * rewritten as asked. It never touches text outside what it edits, and keeps nothing between
 * runs: what it shares between the services of one run lives in `ctx.state`.
 */
export interface Transform<Options = unknown, State = unknown> {
  name: StrategyName;
  summary: string;
  /** The key of its options block inside `x-stackmod` (e.g. `proxy:`). */
  optionsKey: string;
  /** Its options (zod/mini); every field has a default and a `z.describe()` text for `stackmod transforms`. */
  optionsSchema: z.ZodMiniType<Options>;
  /** A fresh state for one rewrite run; a strategy without one leaves this out. */
  newRun?(): State;
  apply(ctx: TransformContext<Options, State>): StrategyResult;
}
