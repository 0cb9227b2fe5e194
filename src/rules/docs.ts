import { rules } from "./index.js";
import type { RuleDocs, RuleId } from "./rule.js";

export type RuleDoc = RuleDocs;

/** The long texts of each rule, for SARIF rules and the README: each rule's own docs. */
export const ruleDocs: Record<RuleId, RuleDoc> = Object.fromEntries(
  rules.map((rule) => [rule.id, rule.docs]),
) as Record<RuleId, RuleDoc>;
