import { detectService } from "../../audit/detect.js";
import { formatAuditGithub } from "../../audit/format-github.js";
import { formatAuditJson } from "../../audit/format-json.js";
import { formatAuditSarif } from "../../audit/format-sarif.js";
import { formatAuditText } from "../../audit/format-text.js";
import { readInventory } from "../../audit/inventory.js";
import { nextStep } from "../../audit/next-step.js";
import { engineOf } from "../../audit/refusals.js";
import type { AuditRun } from "../../audit/run.js";
import { EngineClient } from "../../audit/engine/client.js";
import { resolveEndpoint } from "../../audit/engine/endpoint.js";
import { EngineError } from "../../audit/engine/errors.js";
import { parseEngine } from "../../rules/engines.js";
import { exitCodes, type ExitCode } from "../../exit-codes.js";
import { colorEnabled, palette } from "../../emit/color.js";
import type { ReportFlags } from "../reporter.js";
import type { CliIO } from "./io.js";

export interface AuditFlags extends ReportFlags {
  host?: string;
  context?: string;
  engine?: string;
  stackDir?: string;
}

/**
 * `stackmod audit`: reads the engine's services, networks and tasks (GET only) and reports what it refuses or
 * will refuse; exit 0 nothing found, 1 found, 2 when the engine cannot be read (one line: where, and why).
 */
export async function runAudit(flags: AuditFlags, io: CliIO): Promise<ExitCode> {
  let client: EngineClient | undefined;
  try {
    const target = flags.engine === undefined ? undefined : parseEngine(flags.engine);
    if (flags.engine !== undefined && !target)
      throw new EngineError("--engine", `"${flags.engine}" is not an engine version such as 28, 28.0 or 28.0.1`);
    const endpoint = resolveEndpoint({ host: flags.host, context: flags.context }, io.env);
    client = new EngineClient(endpoint, io.env.DOCKER_API_VERSION || undefined);
    const inventory = await readInventory(client);
    const judgement = { current: engineOf(inventory.engine.Version), target };
    const services = inventory.services.map((service) => {
      const findings = detectService(service, judgement);
      return findings.length > 0
        ? { service, findings, next: nextStep(service, flags.stackDir) }
        : { service, findings };
    });
    const found = services.some((s) => s.findings.length > 0);
    const run: AuditRun = {
      endpoint,
      engine: inventory.engine,
      apiVersion: inventory.apiVersion,
      ...(flags.engine ? { target: flags.engine } : {}),
      services,
      exitCode: found ? exitCodes.found : exitCodes.ok,
    };
    if (flags.verbose) io.stderr(client.requests.map((r) => `stackmod: ${r}\n`).join(""));
    io.stdout(format(run, flags, io));
    return run.exitCode;
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    io.stderr(error.format() + "\n");
    return exitCodes.error;
  } finally {
    client?.close();
  }
}

function format(run: AuditRun, flags: AuditFlags, io: CliIO): string {
  if (flags.format === "json") return formatAuditJson(run);
  if (flags.format === "sarif") return formatAuditSarif(run);
  if (flags.format === "github") return formatAuditGithub(run);
  const color = palette(colorEnabled(flags.color, io.env, Boolean(io.isTTY?.stdout)));
  const text = formatAuditText(run, color, flags.verbose);
  return flags.quiet ? text.split("\n").slice(1).join("\n") : text;
}
