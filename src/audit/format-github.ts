import { command } from "../emit/github.js";
import { qualifiedName, type AuditRun } from "./run.js";

/** GitHub Actions annotations, one per finding; on the stack file when --stack-dir found it. */
export function formatAuditGithub(run: AuditRun): string {
  const lines: string[] = [];
  for (const { service, findings, next } of run.services) {
    for (const finding of findings) {
      const failing = finding.failingTasks[0]?.error;
      const message = failing ? `${finding.message}\nIts tasks fail: ${failing}` : finding.message;
      const properties: Record<string, string> = { title: `stackmod ${finding.rule} (${qualifiedName(service)})` };
      if (next?.kind === "rewrite") properties.file = next.file;
      lines.push(command("error", properties, message));
    }
  }
  return lines.map((line) => line + "\n").join("");
}
