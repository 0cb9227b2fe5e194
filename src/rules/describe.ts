import { describeRanges } from "./engines.js";
import type { Rule } from "./rule.js";

/** A rule's engines in words, per dialect it looks at. */
export function engineLine(rule: Rule): string {
  const swarm = rule.dialects.includes("swarm") ? `stack files: ${describeRanges(rule.engines.swarm)}` : "";
  const compose = rule.dialects.includes("compose") ? `Compose files: ${describeRanges(rule.engines.compose)}` : "";
  return [swarm, compose].filter(Boolean).join("; ");
}

/** What `rewrite` does about a rule, and when. */
export function fixLine(rule: Rule): string {
  if (!rule.fix) return "none: the finding says the way out";
  const what = rule.docs.fix ?? "the service's strategy";
  return rule.fix.runs === "default"
    ? `${what} (runs by default)`
    : `${what} (only with \`rewrite --fix ${rule.id}\` or \`--fix all\`)`;
}
