import type { StackmodError } from "../errors.js";
import type { Finding } from "../rules/rule.js";
import type { RewriteResult } from "../rewrite.js";

/** `file:line:col: error rule: message`, like a compiler, with the engine's own text under it. */
export function formatFinding(finding: Finding): string {
  const head = `${finding.file}:${finding.line}:${finding.column}: ${finding.severity} ${finding.rule}: ${finding.message}`;
  return finding.engineError ? `${head}\n  engine: ${finding.engineError}` : head;
}

export function formatError(error: StackmodError): string {
  return error.format();
}

/** What `rewrite` did to one file, for standard error. */
export function formatRewriteReport(result: RewriteResult, written: boolean): string[] {
  const lines: string[] = [];
  for (const applied of result.applied) lines.push(`${result.file}: rewrote "${applied.service}" with ${applied.strategy}${written ? "" : " (dry run)"}`);
  for (const skipped of result.skipped) lines.push(`${result.file}: skipped "${skipped.service}": ${skipped.reason}`);
  for (const note of result.notes) lines.push(`${note.level === "warning" ? "warning: " : "  "}${note.message}`);
  return lines;
}
