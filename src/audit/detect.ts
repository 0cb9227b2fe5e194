import { inRanges, type EngineVersion } from "../rules/engines.js";
import type { RuleId } from "../rules/index.js";
import { refusalTextsIn, swarmEnginesOf, textsOf } from "./refusals.js";
import type { AuditNetwork, AuditService, AuditTask } from "./inventory.js";

/** What the engine will refuse about one service, and the tasks it already refused. */
export interface AuditFinding {
  rule: RuleId;
  severity: "error";
  message: string;
  /** Tasks whose error is one of this rule's refusal texts. */
  failingTasks: AuditTask[];
  /** Whether the engine it runs on refuses it (by the rule's engine range), or a task shows it does. */
  refusedNow: boolean;
  /** With --engine: whether that engine refuses it, and the texts it would show. */
  target?: { version: string; refused: boolean; texts: string[] };
}

export interface AuditJudgement {
  current?: EngineVersion;
  target?: EngineVersion;
}

/** The spec conflicts of a service (the rule ids of `check`), each with the tasks the engine refused for it. */
export function detectService(service: AuditService, judgement: AuditJudgement): AuditFinding[] {
  const conflicts = specConflicts(service);
  const failing = service.tasks.filter((t) => t.error && refusalTextsIn(t.error).length > 0);
  const claimed = new Set<AuditTask>();
  const findings = conflicts.map(({ rule, message }) => {
    const texts = new Set(textsOf(rule).map((t) => t.text));
    const tasks = failing.filter((t) => refusalTextsIn(t.error!).some((r) => texts.has(r.text)));
    for (const task of tasks) claimed.add(task);
    return finding(rule, message, tasks, judgement);
  });
  const unexplained = failing.filter((t) => !claimed.has(t));
  if (unexplained.length > 0) {
    // The spec shows no conflict but tasks were refused for one: the spec changed since, or a driver is unknown.
    const rule: RuleId = unexplained.some((t) => refusalTextsIn(t.error!).some((r) => /\(none\)/.test(r.text)))
      ? "none-plus-network"
      : "host-plus-network";
    const network = rule === "host-plus-network" ? "host" : "none";
    const message =
      `tasks of service "${service.name}" were refused with the engine's ${network}-network text, ` +
      "though its spec shows no such conflict now (updated since?)";
    findings.push(finding(rule, message, unexplained, judgement));
  }
  return findings;
}

function finding(rule: RuleId, message: string, tasks: AuditTask[], judgement: AuditJudgement): AuditFinding {
  const refusedBy = (version: EngineVersion) => inRanges(version, swarmEnginesOf(rule));
  const result: AuditFinding = {
    rule,
    severity: "error",
    message,
    failingTasks: tasks,
    refusedNow: tasks.length > 0 || (judgement.current ? refusedBy(judgement.current) : true),
  };
  if (judgement.target) {
    const target = judgement.target;
    result.target = {
      version: target.text,
      refused: refusedBy(target),
      texts: textsOf(rule)
        .filter((t) => inRanges(target, t.engines))
        .map((t) => t.text),
    };
  }
  return result;
}

interface Conflict {
  rule: RuleId;
  message: string;
}

const describe = (network: AuditNetwork) => `"${network.name}" (${network.driver})`;

/** host or none plus another network, host plus an ingress port: as `check` finds them in a file. */
function specConflicts(service: AuditService): Conflict[] {
  const conflicts: Conflict[] = [];
  const host = service.networks.some((n) => n.driver === "host");
  for (const [driver, rule, name] of [
    ["host", "host-plus-network", "host"],
    ["null", "none-plus-network", "none"],
  ] as const) {
    if (!service.networks.some((n) => n.driver === driver)) continue;
    const others = service.networks.filter((n) => n.driver !== driver);
    if (others.length === 0) continue;
    conflicts.push({
      rule,
      message: `service "${service.name}" is on the ${name} network and on ${others.map(describe).join(", ")}`,
    });
  }
  if (host) {
    for (const port of service.ports.filter((p) => p.mode === "ingress")) {
      const published = port.published ? `${port.published}:` : "";
      conflicts.push({
        rule: "host-ingress-port",
        message:
          `service "${service.name}" is on the host network and publishes ` +
          `${published}${port.target}/${port.protocol} in ingress mode, which attaches it to the ingress ` +
          "network",
      });
    }
  }
  return conflicts;
}
