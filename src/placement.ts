import type { ServiceModel } from "./model/types.js";
import type { Plain } from "./yaml/render.js";

/**
 * The part of `deploy:` that decides where tasks run (`mode`, `replicas`,
 * `placement`), for a companion service that must run where the service runs.
 */
export function placementOf(service: ServiceModel): Record<string, Plain> {
  const deploy = (service.data.deploy ?? {}) as Record<string, Plain>;
  const result: Record<string, Plain> = {};
  for (const key of ["mode", "replicas", "placement"]) {
    if (deploy[key] !== undefined && deploy[key] !== null) result[key] = deploy[key];
  }
  return result;
}

/** True when a companion cannot be sure to land on the same node as the service. */
export function placementIsLoose(service: ServiceModel): boolean {
  const deploy = (service.data.deploy ?? {}) as { mode?: string; placement?: { constraints?: unknown[] } };
  return deploy.mode !== "global" && !deploy.placement?.constraints?.length;
}

/** `version:` as a number (3.7 → 3.7); undefined when absent (Compose Specification: everything allowed). */
export function formatVersion(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  return match ? Number(match[1]) + Number(match[2] ?? 0) / 100 : undefined;
}

/** True when the file format allows a feature introduced in `major.minor` (e.g. 3.2 → atLeast(v, 3, 2)). */
export function atLeast(version: string | undefined, major: number, minor: number): boolean {
  const value = formatVersion(version);
  return value === undefined || value >= major + minor / 100;
}
