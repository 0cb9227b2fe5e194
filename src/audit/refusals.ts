import type { EngineText } from "../rules/engine-texts.js";
import { parseEngine, type EngineRange, type EngineVersion } from "../rules/engines.js";
import { findRule, rules, type RuleId } from "../rules/index.js";

/** The rules whose breach the engine refuses at every task start: the ones a running cluster's tasks show. */
const auditedRules = rules.filter((rule) => rule.refusesTasks).map((rule) => rule.id);

/** A rule's texts, from the rule's own data (src/rules/engine-texts.ts). */
export function textsOf(rule: RuleId): readonly EngineText[] {
  return findRule(rule)?.texts ?? [];
}

/** The engines that refuse a Swarm task for the rule. */
export function swarmEnginesOf(rule: RuleId): readonly EngineRange[] {
  return findRule(rule)?.engines.swarm ?? [{}];
}

/** The audited rules' texts a task's error contains (28+ puts them behind "starting container failed: ..."). */
export function refusalTextsIn(error: string): EngineText[] {
  const found = new Map<string, EngineText>();
  for (const rule of auditedRules)
    for (const text of textsOf(rule)) if (error.includes(text.text)) found.set(text.text, text);
  return [...found.values()];
}

/** The version an engine reports (`20.10.24+dfsg1`, `28.0.1-rc.2`), as the rules' versions. */
export function engineOf(reported: string | undefined): EngineVersion | undefined {
  const numeric = /^v?\d+(?:\.\d+){0,2}/.exec(reported?.trim() ?? "")?.[0];
  return numeric ? parseEngine(numeric) : undefined;
}
