import type { StackmodError } from "../errors.js";
import type { Finding } from "../rules/index.js";
import { version } from "../version.js";
import { formatFlow } from "../analysis/flows.js";
import { findingsOf, lostFlowsOf, type FileOutcome, type RunOutcome } from "./outcome.js";

/**
 * The `--format json` report, version 1; its JSON Schema is
 * schema/report-v1.schema.json. Fields are only ever added within a version.
 */
function jsonReport(run: RunOutcome): object {
  const findings = run.files.flatMap(findingsOf);
  return {
    version: 1,
    tool: { name: "stackmod", version },
    command: run.command,
    ...(run.mode ? { mode: run.mode } : {}),
    exitCode: run.exitCode,
    summary: {
      files: run.files.length,
      failed: run.files.filter((f) => f.kind === "failed").length,
      errors: findings.filter((f) => f.severity === "error").length,
      warnings: findings.filter((f) => f.severity === "warning").length,
      lostFlows: run.files.flatMap(lostFlowsOf).length,
      changed: run.files.filter((f) => f.kind === "rewritten" && f.result.changed).length,
      written: run.files.filter((f) => f.kind === "rewritten" && f.written).length,
    },
    files: run.files.map(fileEntry),
  };
}

export function formatJson(run: RunOutcome): string {
  return JSON.stringify(jsonReport(run), null, 2) + "\n";
}

function fileEntry(outcome: FileOutcome): object {
  if (outcome.kind === "failed") return { file: outcome.file, status: "error", error: errorEntry(outcome.error) };
  if (outcome.kind === "checked") {
    const { result } = outcome;
    const errors = result.findings.some((f) => f.severity === "error");
    return {
      file: outcome.file,
      status: errors ? "findings" : "clean",
      dialect: result.dialect,
      engine: result.engine,
      findings: result.findings.map(findingEntry),
      ...(result.notes && result.notes.length > 0
        ? { notes: result.notes.map((n) => ({ level: n.level, message: n.message })) }
        : {}),
    };
  }
  const { result } = outcome;
  return {
    file: outcome.file,
    status: result.changed ? "changed" : "unchanged",
    engine: result.engine,
    findings: result.findings.map(findingEntry),
    changed: result.changed,
    written: outcome.written,
    diff: result.diff,
    applied: result.applied.map((a) => ({
      service: a.service,
      strategy: a.strategy,
      // A strategy's own facts (proxy's direction), each one declared in the schema's applied entry.
      ...a.facts,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    flows: result.flows.map((f) => ({
      service: f.service,
      from: f.from,
      to: f.to,
      status: f.status,
      how: f.how,
      via: f.via,
      line: f.line,
      column: f.column,
      text: formatFlow(f),
    })),
    skipped: result.skipped.map((s) => ({ service: s.service, reason: s.reason })),
    notes: result.notes.map((n) => ({ level: n.level, message: n.message })),
    remaining: result.remaining.map(findingEntry),
    extraFiles: result.extraFiles.map((f) => ({ path: f.path, mode: f.mode, content: f.content })),
  };
}

function findingEntry(finding: Finding): object {
  return {
    file: finding.file,
    line: finding.line,
    column: finding.column,
    rule: finding.rule,
    severity: finding.severity,
    service: finding.service,
    message: finding.message,
    ...(finding.engineError ? { engineError: finding.engineError } : {}),
    ...(finding.bitesFrom ? { bitesFrom: finding.bitesFrom } : {}),
  };
}

function errorEntry(error: StackmodError): object {
  return { code: error.code, message: error.message, file: error.file, line: error.line, column: error.column };
}
