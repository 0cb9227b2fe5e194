import type { EngineVersionInfo } from "./engine/client.js";
import type { EngineEndpoint } from "./engine/endpoint.js";
import type { ExitCode } from "../exit-codes.js";
import type { AuditFinding } from "./detect.js";
import type { AuditService } from "./inventory.js";
import type { NextStep } from "./next-step.js";

/** One service with what the audit found about it. */
export interface AuditedService {
  service: AuditService;
  findings: AuditFinding[];
  /** Only for a service with findings. */
  next?: NextStep;
}

/** Everything one `stackmod audit` found: what every report format prints. */
export interface AuditRun {
  endpoint: EngineEndpoint;
  engine: EngineVersionInfo;
  apiVersion: string;
  /** `--engine TARGET` as given. */
  target?: string;
  services: AuditedService[];
  exitCode: ExitCode;
}

export const withFindings = (run: AuditRun) => run.services.filter((s) => s.findings.length > 0);

/** `stack/service`, or the service alone when it is not from a stack. */
export const qualifiedName = (service: AuditService) =>
  service.stack ? `${service.stack}/${service.name}` : service.name;
