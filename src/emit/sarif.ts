import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Log, Notification, ReportingDescriptor, Result } from "sarif";
import { rules, type Finding } from "../rules/index.js";
import { version } from "../version.js";
import { lostFlowsOf, reportedFindingsOf, type RunOutcome } from "./outcome.js";
import type { Flow } from "../analysis/flows.js";
import { describeRanges } from "../rules/engines.js";
import { engineLine, fixLine } from "../rules/describe.js";
import { formatFlow } from "../analysis/flows.js";

const schemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

/** SARIF 2.1.0, shaped for GitHub code scanning (rules with help, exact regions, fingerprints). */
function sarifLog(run: RunOutcome): Log {
  const failures = run.files.flatMap((f) => (f.kind === "failed" ? [f.error] : []));
  return {
    $schema: schemaUri,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "stackmod",
            version,
            semanticVersion: version,
            rules: [...rules.map(ruleDescriptor), lostFlowDescriptor],
          },
        },
        invocations: [
          {
            executionSuccessful: failures.length === 0,
            exitCode: run.exitCode,
            toolExecutionNotifications: failures.map((error): Notification => ({
              level: "error",
              descriptor: { id: error.code },
              message: { text: error.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: artifact(error.file),
                    region: { startLine: error.line, startColumn: error.column },
                  },
                },
              ],
            })),
          },
        ],
        columnKind: "utf16CodeUnits",
        results: [
          ...run.files.flatMap(reportedFindingsOf).map(({ finding, remains }) => result(finding, remains)),
          ...run.files.flatMap(lostFlowsOf).map(({ file, flow }) => lostFlowResult(file, flow)),
        ],
      },
    ],
  };
}

export function formatSarif(run: RunOutcome): string {
  return JSON.stringify(sarifLog(run), null, 2) + "\n";
}

export function ruleDescriptor(rule: (typeof rules)[number]): ReportingDescriptor {
  const doc = rule.docs;
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)(\w)/g, (_m, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: plainText(rule.summary) },
    fullDescription: { text: plainText(doc.full) },
    help: { text: plainText(doc.help), markdown: doc.help },
    defaultConfiguration: { level: rule.severity },
    properties: {
      tags: ["docker", "swarm", "compose", rule.tag ?? "networking", ...(rule.security ? ["security"] : [])],
      precision: "very-high",
      "problem.severity": rule.severity,
      ...(rule.security ? { "security-severity": rule.security } : {}),
      engines: engineLine(rule),
      engineTexts: rule.texts.map((text) => ({
        text: text.text,
        engines: describeRanges(text.engines),
        source: text.source,
      })),
      sources: [...doc.sources],
      fix: fixLine(rule),
    },
  };
}

/** `remains`: an error a rewrite leaves in the file (no fix covers it, its service skipped). */
function result(finding: Finding, remains: boolean): Result {
  const text = finding.engineError ? `${finding.message}. The engine says: "${finding.engineError}"` : finding.message;
  return {
    ruleId: finding.rule,
    ruleIndex: rules.findIndex((r) => r.id === finding.rule),
    level: finding.severity,
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(finding.file),
          region: { startLine: finding.line, startColumn: finding.column },
        },
        logicalLocations: [{ name: finding.service, kind: "object" }],
      },
    ],
    partialFingerprints: { "stackmodFinding/v1": fingerprint(finding) },
    properties: {
      service: finding.service,
      ...(finding.engineError ? { engineError: finding.engineError } : {}),
      ...(finding.bitesFrom ? { bitesFrom: finding.bitesFrom } : {}),
      ...(remains ? { remainsAfterRewrite: true } : {}),
    },
  };
}

/** Not a rule of the file as read: a flow the rewrite cannot keep, reported after the rules (`rewrite` only). */
const lostFlowId = "lost-flow";
const lostFlowText =
  "A rewrite loses a flow the service had on the network: the flow report names it, says why and gives the way out.";
const lostFlowDescriptor: ReportingDescriptor = {
  id: lostFlowId,
  name: "LostFlow",
  shortDescription: { text: "a flow the rewritten service had is lost" },
  fullDescription: { text: lostFlowText },
  help: {
    text: lostFlowText + " rewrite --strict exits 1 on it.",
    markdown: lostFlowText + " `rewrite --strict` exits 1 on it.",
  },
  defaultConfiguration: { level: "warning" },
  properties: { tags: ["docker", "swarm", "compose", "networking"], precision: "high", "problem.severity": "warning" },
};

function lostFlowResult(file: string, flow: Flow): Result {
  const text = `flow ${formatFlow(flow)}`;
  return {
    ruleId: lostFlowId,
    ruleIndex: rules.length,
    level: "warning",
    message: { text },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(file),
          region: { startLine: flow.line, startColumn: flow.column },
        },
        logicalLocations: [{ name: flow.service, kind: "object" }],
      },
    ],
    partialFingerprints: { "stackmodFinding/v1": digest(`${lostFlowId}\0${file}\0${flow.service}\0${text}`) },
    properties: { service: flow.service, from: flow.from, to: flow.to },
  };
}

/** Stable across unrelated edits to the file: the rule, the file and the service, not the line. */
function fingerprint(finding: Finding): string {
  return digest(`${finding.rule}\0${finding.file}\0${finding.service}\0${finding.message}`);
}

function digest(text: string): string {
  // Loaded on first use: node:crypto is several milliseconds of every cold start, and only SARIF needs it.
  const { createHash } = process.getBuiltinModule("node:crypto");
  return createHash("sha256").update(text).digest("hex").slice(0, 32);
}

/** A relative path stays relative to the checkout (%SRCROOT%); an absolute one becomes a file: URI. */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file)) return { uri: pathToFileURL(file).href };
  const relative = file.replace(/\\/g, "/").replace(/^(\.\/)+/, "");
  return { uri: relative.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function plainText(markdown: string): string {
  return markdown.replace(/`/g, "");
}
