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

/**
 * The errors a rewrite leaves in the file, at their place in it as the run leaves it on disk: in the
 * output once it is written, in the input otherwise (a dry run, `--check`, `--stdout`).
 */
export function remainingErrorsOf(outcome: FileOutcome): Finding[] {
  if (outcome.kind !== "rewritten") return [];
  const { result } = outcome;
  return outcome.written ? result.remaining.filter((f) => f.severity === "error") : result.remainingInInput;
}

/**
 * The findings to report for one file, each with whether it remains after the run: for `check`, every
 * finding; for `rewrite`, the findings as read (what it fixes), each that remains in its place on disk.
 */
export function reportedFindingsOf(outcome: FileOutcome): { finding: Finding; remains: boolean }[] {
  if (outcome.kind === "failed") return [];
  if (outcome.kind === "checked") return outcome.result.findings.map((finding) => ({ finding, remains: false }));
  const asRead = outcome.result.remainingInInput;
  const onDisk = remainingErrorsOf(outcome);
  const identity = (f: Finding) => `${f.rule}\0${f.file}\0${f.line}\0${f.column}\0${f.message}`;
  const unmatched = new Map<string, number[]>();
  asRead.forEach((finding, index) => {
    const key = identity(finding);
    unmatched.set(key, [...(unmatched.get(key) ?? []), index]);
  });
  const used = new Set<number>();
  const reported = outcome.result.findings.map((finding) => {
    const index = unmatched.get(identity(finding))?.shift();
    if (index === undefined) return { finding, remains: false };
    used.add(index);
    return { finding: onDisk[index]!, remains: true };
  });
  // One the input did not have as it now reads (its service renamed by the rewrite): reported after.
  for (const [index, finding] of onDisk.entries()) if (!used.has(index)) reported.push({ finding, remains: true });
  return reported;
}

/** The flows a rewrite loses, each with the file it is in: a warning in every report. */
export function lostFlowsOf(outcome: FileOutcome): { file: string; flow: Flow }[] {
  if (outcome.kind !== "rewritten") return [];
  return outcome.result.flows.filter((flow) => flow.status === "lost").map((flow) => ({ file: outcome.file, flow }));
}
