import type { FixContext } from "../rule.js";
import { localEntry, scalarText } from "./key-findings.js";

/**
 * `restart:` as Swarm's `deploy.restart_policy`: no → none, on-failure[:N] → on-failure
 * (+ max_attempts N), always and unless-stopped → any. Returns false (with a note) where
 * it cannot say the same thing.
 */
export function fixRestart({ model, service, edits, deploy, notes }: FixContext): boolean {
  const entry = localEntry(service, model, "restart");
  if (!entry) {
    notes.warn(
      `${service.name}: \`restart\` comes from an anchor or a merge key; move it to deploy.restart_policy there`,
    );
    return false;
  }
  const value = scalarText(entry);
  const policy = restartPolicy(value === "false" ? "no" : value);
  if (!policy) {
    notes.warn(
      `${service.name}: left \`restart: ${value}\`: not a restart policy stackmod knows (no, always, ` +
        "on-failure[:N], unless-stopped)",
    );
    return false;
  }
  const existing = deploy.existing(service, ["restart_policy"]);
  if (existing !== undefined) {
    notes.info(
      `${service.name}: removed \`restart: ${value}\`: docker stack ignores it, and deploy.restart_policy ` +
        "already says how Swarm restarts the service",
    );
  } else {
    deploy.add(service, ["restart_policy"], policy);
    const unlessStopped =
      value === "unless-stopped"
        ? ' Swarm has no "unless-stopped": a task that exits is restarted; scale the service to 0 to stop it'
        : "";
    const attempts = policy.max_attempts ? `, max_attempts ${policy.max_attempts}` : "";
    notes.info(
      `${service.name}: \`restart: ${value}\` became deploy.restart_policy (condition ` +
        `${policy.condition}${attempts}), which Swarm honours.${unlessStopped}`,
    );
  }
  edits.removeKey(service, "restart");
  return true;
}

function restartPolicy(value: string | undefined): { condition: string; max_attempts?: number } | undefined {
  if (value === "no" || value === "none") return { condition: "none" };
  if (value === "always" || value === "unless-stopped") return { condition: "any" };
  const failure = /^on-failure(?::(\d+))?$/.exec(value ?? "");
  if (!failure) return undefined;
  return failure[1] === undefined
    ? { condition: "on-failure" }
    : { condition: "on-failure", max_attempts: Number(failure[1]) };
}
