import { formatFlow } from "../analysis/flows.js";
import { lostFlowsOf, reportedFindingsOf, type RunOutcome } from "./outcome.js";

/**
 * GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=T::message`),
 * escaped the way @actions/core escapes them.
 */
export function formatGithub(run: RunOutcome): string {
  const lines: string[] = [];
  for (const outcome of run.files) {
    if (outcome.kind === "failed") {
      const { error } = outcome;
      lines.push(
        command(
          "error",
          { file: error.file, line: error.line, col: error.column, title: `stackmod ${error.code}` },
          error.message,
        ),
      );
      continue;
    }
    for (const { finding } of reportedFindingsOf(outcome)) {
      const message = finding.engineError
        ? `${finding.message}\nThe engine says: ${finding.engineError}`
        : finding.message;
      lines.push(
        command(
          finding.severity,
          { file: finding.file, line: finding.line, col: finding.column, title: `stackmod ${finding.rule}` },
          message,
        ),
      );
    }
    for (const { file, flow } of lostFlowsOf(outcome))
      lines.push(
        command(
          "warning",
          { file, line: flow.line, col: flow.column, title: "stackmod lost-flow" },
          `flow ${formatFlow(flow)}`,
        ),
      );
    if (outcome.kind === "rewritten") {
      for (const skipped of outcome.result.skipped)
        lines.push(
          command(
            "notice",
            { file: outcome.file, title: "stackmod skipped" },
            `skipped "${skipped.service}": ${skipped.reason}`,
          ),
        );
    }
  }
  return lines.map((line) => line + "\n").join("");
}

type Level = "error" | "warning" | "notice";

export function command(level: Level, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(",");
  return `::${level} ${props}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
