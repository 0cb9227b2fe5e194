import { StackmodError } from "../../errors.js";
import type { ServiceModel } from "../../model/types.js";
import { resolvedData } from "../../model/interpolate.js";
import type { Plain } from "../../edit/render.js";

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

/** Whether a companion given the service's placement (placementOf) is sure to run beside each of its tasks. */
export type SameNode = { holds: true; how: string } | { holds: false; why: string };

/** `node.hostname == X` or `node.id == X`: the only constraints that name one node. */
const pinPattern = /^\s*node\.(?:hostname|id)\s*==\s*\S/;

/**
 * A constraint on labels, role or platform can match several nodes, so a companion with
 * the same constraint and `replicas: 1` may land on another of them. Only a constraint
 * naming one node, or `mode: global` on both with the same constraints (a task on every
 * matching node), puts the two on the same node.
 */
export function sameNode(service: ServiceModel, opts: { globalHolds?: boolean } = {}): SameNode {
  const deploy = (resolvedData(service).deploy ?? {}) as { mode?: unknown; placement?: { constraints?: unknown } };
  const raw = deploy.placement?.constraints;
  const constraints = Array.isArray(raw) ? raw.map(String) : [];
  const pin = constraints.find((c) => pinPattern.test(c));
  if (pin) return { holds: true, how: `both are constrained to \`${pin.trim()}\`` };
  const globalHolds = opts.globalHolds ?? true;
  if (deploy.mode === "global" && globalHolds) {
    return { holds: true, how: "both run in mode: global with the same constraints, so one beside each task" };
  }
  const what =
    constraints.length > 0
      ? `its constraints (${constraints.join(", ")}) can match several nodes`
      : "it has no placement constraint";
  return {
    holds: false,
    why: deploy.mode === "global" ? `${what}, and the companion is a single service` : `${what} and it is not global`,
  };
}

/**
 * `version:` as a number (3.7 → 3.7); undefined when absent (Compose Specification: everything allowed).
 * `"3"` (and `""`) is the newest 3.x, 3.13, as docker reads it (docker/cli v28.2.2
 * cli/compose/schema/schema.go, normalizeVersion).
 */
function formatVersion(version: string | undefined): number | undefined {
  if (version === undefined) return undefined;
  if (version === "" || version === "3") return 3.13;
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  return match ? Number(match[1]) + Number(match[2] ?? 0) / 100 : undefined;
}

/** True when the file format allows a feature introduced in `major.minor` (e.g. 3.2 → atLeast(v, 3, 2)). */
export function atLeast(version: string | undefined, major: number, minor: number): boolean {
  const value = formatVersion(version);
  return value === undefined || value >= major + minor / 100;
}

/**
 * Refuses a rewrite whose path needs the companion on the service's node when the
 * placement does not guarantee it, saying why and what would; says how it holds otherwise.
 */
export function requireSameNode(
  service: ServiceModel,
  companion: string,
  because: string,
  notes: { info(message: string): void },
  opts: { globalHolds?: boolean } = {},
): void {
  const result = sameNode(service, opts);
  if (result.holds) {
    notes.info(`${service.name}: "${companion}" runs on the node of each task of "${service.name}": ${result.how}`);
    return;
  }
  const ways =
    opts.globalHolds === false
      ? "constrain it to one node (deploy.placement.constraints: [node.hostname == NODE])"
      : "constrain it to one node (deploy.placement.constraints: [node.hostname == NODE]) or run it in " +
        "deploy.mode: global";
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${service.name}": ${because}, so "${companion}" must run on the same node as ` +
      `"${service.name}", and nothing in its placement guarantees that: ${result.why}; ${ways}, then rewrite`,
    service.position,
  );
}
