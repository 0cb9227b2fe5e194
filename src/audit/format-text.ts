import type { Palette } from "../emit/color.js";
import { nextBite } from "../rules/engines.js";
import { engineOf, swarmEnginesOf } from "./refusals.js";
import type { AuditFinding } from "./detect.js";
import { qualifiedName, withFindings, type AuditedService, type AuditRun } from "./run.js";

/** The audit for people: one block per service with findings, then a summary line. */
export function formatAuditText(run: AuditRun, color: Palette, verbose = false): string {
  const lines = [header(run)];
  for (const audited of run.services) {
    if (audited.findings.length === 0) {
      if (verbose) lines.push(`${color.bold(qualifiedName(audited.service))}: ${color.green("clean")}`);
      continue;
    }
    lines.push(...serviceBlock(audited, run, color));
  }
  lines.push(summary(run));
  return lines.join("\n") + "\n";
}

function header(run: AuditRun): string {
  const stacks = new Set(run.services.flatMap((s) => (s.service.stack ? [s.service.stack] : []))).size;
  return (
    `engine ${run.engine.Version} (API ${run.apiVersion}) at ${run.endpoint.url} (${run.endpoint.from}): ` +
    `${plural(run.services.length, "service")} in ${plural(stacks, "stack")}`
  );
}

function serviceBlock({ service, findings, next }: AuditedService, run: AuditRun, color: Palette): string[] {
  const lines: string[] = [];
  const stack = service.stack ? `stack ${service.stack}` : "no stack";
  const where = `${color.bold(qualifiedName(service))} (${stack}, image ${withoutDigest(service.image)})`;
  for (const finding of findings) {
    lines.push(`${where}: ${color.red(color.bold("error"))} ${color.dim(finding.rule)}: ${finding.message}`);
    lines.push(`  ${color.dim("now:")} ${nowLine(finding, run)}`);
    const failing = failingLine(finding);
    if (failing) lines.push(`  ${color.dim("failing:")} ${failing}`);
    if (finding.target) lines.push(`  ${color.dim(`on ${finding.target.version}:`)} ${targetLine(finding)}`);
  }
  if (next) lines.push(`  ${color.dim("next:")} ${next.kind === "rewrite" ? next.command : next.text}`);
  return lines;
}

function nowLine(finding: AuditFinding, run: AuditRun): string {
  const version = run.engine.Version;
  if (finding.failingTasks.length > 0) return `refused by this engine (${version}): its tasks fail`;
  if (finding.refusedNow) return `refused by this engine (${version}) when a task starts`;
  const current = engineOf(version);
  const from = (current && nextBite(current, swarmEnginesOf(finding.rule))) ?? "28.0.0";
  return `runs on ${version} (Swarm skipped the check from 25.0 to 27.x); refused from ${from}`;
}

function failingLine(finding: AuditFinding): string | undefined {
  const tasks = finding.failingTasks;
  if (tasks.length === 0) return undefined;
  const texts = [...new Set(tasks.map((t) => t.error!))];
  return `${plural(tasks.length, "task")} refused: ${texts.map((t) => JSON.stringify(t)).join("; ")}`;
}

function targetLine(finding: AuditFinding): string {
  const target = finding.target!;
  const says = target.texts.length > 0 ? `; it says ${target.texts.map((t) => JSON.stringify(t)).join(" or ")}` : "";
  if (target.refused && !finding.refusedNow) return `WILL BE REFUSED: the service stops at the upgrade${says}`;
  if (target.refused) return `still refused${says}`;
  return finding.refusedNow ? "runs (the check is skipped there for Swarm tasks)" : "still runs";
}

function summary(run: AuditRun): string {
  const found = withFindings(run);
  if (found.length === 0) return "no conflicts: every service's networking is accepted by the engine";
  const findings = found.reduce((n, s) => n + s.findings.length, 0);
  const failing = found.filter((s) => s.findings.some((f) => f.failingTasks.length > 0)).length;
  return `${plural(findings, "conflict")} in ${plural(found.length, "service")} (${failing} with tasks failing now)`;
}

function withoutDigest(image: string): string {
  return image.replace(/@sha256:[0-9a-f]{64}$/, "");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
