import type { Log, Result } from "sarif";
import { ruleDescriptor } from "../emit/sarif.js";
import { rules } from "../rules/index.js";
import { version } from "../version.js";
import type { AuditFinding } from "./detect.js";
import { qualifiedName, type AuditedService, type AuditRun } from "./run.js";

/**
 * SARIF 2.1.0 for an audit: the same rules as `check`; a result's location is the service (a logical location
 * `stack/service`), and the stack file too when --stack-dir found it.
 */
function auditSarif(run: AuditRun): Log {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "stackmod", version, semanticVersion: version, rules: rules.map(ruleDescriptor) } },
        invocations: [{ executionSuccessful: true, exitCode: run.exitCode }],
        properties: { engine: { url: run.endpoint.url, version: run.engine.Version, apiVersion: run.apiVersion } },
        results: run.services.flatMap((audited) => audited.findings.map((f) => result(audited, f, run))),
      },
    ],
  };
}

export function formatAuditSarif(run: AuditRun): string {
  return JSON.stringify(auditSarif(run), null, 2) + "\n";
}

function result({ service, next }: AuditedService, finding: AuditFinding, run: AuditRun): Result {
  const failing = finding.failingTasks.map((t) => t.error!);
  const text = failing.length > 0 ? `${finding.message}. Its tasks fail: "${failing[0]}"` : finding.message;
  const logical = { name: service.name, fullyQualifiedName: qualifiedName(service), kind: "object" };
  const file = next?.kind === "rewrite" ? next.file.replace(/\\/g, "/") : undefined;
  return {
    ruleId: finding.rule,
    ruleIndex: rules.findIndex((r) => r.id === finding.rule),
    level: "error",
    message: { text },
    locations: [
      file
        ? { physicalLocation: { artifactLocation: { uri: file } }, logicalLocations: [logical] }
        : { logicalLocations: [logical] },
    ],
    partialFingerprints: { "stackmodAudit/v1": `${finding.rule}/${run.endpoint.url}/${qualifiedName(service)}` },
    properties: {
      service: service.name,
      stack: service.stack ?? null,
      image: service.image,
      refusedNow: finding.refusedNow,
      ...(failing.length > 0 ? { engineError: failing[0] } : {}),
    },
  };
}
