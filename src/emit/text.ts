import type { StackmodError } from "../errors.js";
import type { Finding } from "../rules/index.js";
import type { RewriteResult } from "../rewrite.js";
import { palette, type Palette } from "./color.js";
import { formatFlow } from "../analysis/flows.js";
import { printable, printablePath } from "./printable.js";

const plain = palette(false);

/**
 * `file:line:col: error rule: message`, like a compiler, with the engine's own text under it;
 * control characters in the file name and the texts are shown escaped (see printable.ts).
 */
export function formatFinding(finding: Finding, color: Palette = plain): string {
  const severity = finding.severity === "error" ? color.red(color.bold("error")) : color.yellow(color.bold("warning"));
  const head =
    `${color.bold(`${printablePath(finding.file)}:${finding.line}:${finding.column}`)}: ${severity} ` +
    `${color.dim(finding.rule)}: ${printable(finding.message)}`;
  return finding.engineError ? `${head}\n  ${color.dim("engine:")} ${printable(finding.engineError)}` : head;
}

export function formatError(error: StackmodError, color: Palette = plain): string {
  return (
    `${color.bold(`${printablePath(error.file)}:${error.line}:${error.column}`)}: ${color.red(color.bold("error"))} ` +
    `${error.code}: ${printable(error.message)}`
  );
}

/**
 * What `rewrite` did to one file, for standard error; `quiet` leaves out all but the errors it leaves
 * (`remaining`, each as `check` prints it, where the file has it once the run is over).
 */
export function formatRewriteReport(
  result: RewriteResult,
  written: boolean,
  color: Palette = plain,
  quiet = false,
  remaining: readonly Finding[] = [],
): string[] {
  const left = remaining.map((finding) => formatFinding(finding, color));
  if (quiet) return left;
  const lines: string[] = [];
  const file = printablePath(result.file);
  for (const applied of result.applied) {
    const how = [applied.strategy, ...Object.values(applied.facts ?? {})].join(" ");
    lines.push(`${file}: rewrote "${applied.service}" with ${how}${written ? "" : " (dry run)"}`);
    if (applied.reason) lines.push(`  ${applied.service}: ${printable(applied.reason)}`);
    for (const flow of result.flows.filter((f) => f.service === applied.service)) {
      const text = `flow ${printable(formatFlow(flow))}`;
      lines.push(flow.status === "lost" ? `${color.yellow("warning:")} ${text}` : `  ${text}`);
    }
  }
  for (const skipped of result.skipped) {
    lines.push(`${file}: skipped "${printable(skipped.service)}": ${printable(skipped.reason)}`);
  }
  // The warnings check gives (network_mode in a stack file...), so that both commands say the same.
  for (const finding of result.findings) if (finding.severity === "warning") lines.push(formatFinding(finding, color));
  for (const note of result.notes) {
    const message = printable(note.message);
    lines.push(note.level === "warning" ? `${color.yellow("warning:")} ${message}` : `  ${message}`);
  }
  return [...lines, ...left];
}

/** Colours a unified diff line by line; without colour it is returned as it is. */
export function colorDiff(diff: string, color: Palette): string {
  if (color === plain || diff === "") return diff;
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith("--- ") || line.startsWith("+++ ")) return color.bold(line);
    if (line.startsWith("@@")) return color.cyan(line);
    if (line.startsWith("+")) return color.green(line);
    if (line.startsWith("-")) return color.red(line);
    return line;
  });
}
