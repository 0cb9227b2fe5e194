import { version } from "../version.js";
import type { AuditFinding } from "./detect.js";
import type { AuditedService, AuditRun } from "./run.js";

/** `stackmod audit --format json`: every service, with its findings (none for a clean one). Version 1. */
function auditJson(run: AuditRun): object {
  const found = run.services.filter((s) => s.findings.length > 0);
  return {
    version: 1,
    tool: { name: "stackmod", version },
    command: "audit",
    exitCode: run.exitCode,
    engine: {
      url: run.endpoint.url,
      from: run.endpoint.from,
      version: run.engine.Version,
      apiVersion: run.apiVersion,
      engineApiVersion: run.engine.ApiVersion,
    },
    ...(run.target ? { target: run.target } : {}),
    summary: {
      services: run.services.length,
      withFindings: found.length,
      errors: found.reduce((n, s) => n + s.findings.length, 0),
      failingNow: found.filter((s) => s.findings.some((f) => f.failingTasks.length > 0)).length,
    },
    services: run.services.map(serviceEntry),
  };
}

export function formatAuditJson(run: AuditRun): string {
  return JSON.stringify(auditJson(run), null, 2) + "\n";
}

function serviceEntry({ service, findings, next }: AuditedService): object {
  return {
    id: service.id,
    name: service.name,
    stack: service.stack ?? null,
    image: service.image,
    mode: service.mode,
    endpointMode: service.endpointMode,
    networks: service.networks,
    ports: service.ports,
    placement: service.placement,
    tasks: { total: service.tasks.length, running: service.tasks.filter((t) => t.state === "running").length },
    status: findings.length > 0 ? "findings" : "clean",
    findings: findings.map(findingEntry),
    ...(next ? { next } : {}),
  };
}

function findingEntry(finding: AuditFinding): object {
  return {
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    refusedNow: finding.refusedNow,
    failingTasks: finding.failingTasks,
    ...(finding.target ? { target: finding.target } : {}),
  };
}
