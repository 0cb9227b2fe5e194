import type { CheckResult } from "../check.js";
import type { StackmodError } from "../errors.js";
import type { ExitCode } from "../exit-codes.js";
import type { RewriteResult } from "../rewrite.js";
import type { Finding } from "../rules/index.js";
import type { Flow } from "../analysis/flows.js";

/** What one command did to one file: every formatter reads these. */
export type FileOutcome =
  | { kind: "checked"; file: string; result: CheckResult }
  | { kind: "rewritten"; file: string; result: RewriteResult; written: boolean }
  | { kind: "failed"; file: string; error: StackmodError };

/** How `rewrite` was run: a diff (dry run), `--write`, `--check` or `--stdout`. */
export type RewriteMode = "diff" | "write" | "check" | "stdout";

export interface RunOutcome {
  command: "check" | "rewrite";
  /** Only for `rewrite`. */
  mode?: RewriteMode;
  files: FileOutcome[];
  exitCode: ExitCode;
}

/** The findings a file had when it was read (for `rewrite`: what the rewrite fixes). */
export function findingsOf(outcome: FileOutcome): Finding[] {
  return outcome.kind === "failed" ? [] : outcome.result.findings;
}

/** The flows a rewrite loses, each with the file it is in: a warning in every report. */
export function lostFlowsOf(outcome: FileOutcome): { file: string; flow: Flow }[] {
  if (outcome.kind !== "rewritten") return [];
  return outcome.result.flows.filter((flow) => flow.status === "lost").map((flow) => ({ file: outcome.file, flow }));
}
