import { describeRanges } from "../../rules/engines.js";
import { findRule, rules } from "../../rules/index.js";
import type { Rule } from "../../rules/rule.js";
import { engineLine, fixLine } from "../../rules/describe.js";

/** `stackmod explain [RULE]`: a rule's docs, engines, texts and sources; without a rule, the list. */
export function explainRule(id: string | undefined): { ok: boolean; text: string } {
  if (id === undefined) return { ok: true, text: ruleList() };
  const rule = findRule(id);
  if (!rule) {
    return {
      ok: false,
      text: `stackmod explain: no rule "${id}"; the rules are ${rules.map((r) => r.id).join(", ")}\n`,
    };
  }
  return { ok: true, text: explanation(rule) };
}

function ruleList(): string {
  const width = Math.max(...rules.map((r) => r.id.length));
  const lines = rules.map((r) => `  ${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.summary}`);
  return ["Rules (stackmod explain RULE for one):", ...lines, ""].join("\n");
}

function explanation(rule: Rule): string {
  const lines = [
    `${rule.id} (${rule.severity})`,
    `  ${rule.summary}`,
    "",
    `Bites on: ${engineLine(rule)}`,
    "",
    "What it means:",
    ...wrap(rule.docs.full),
    "",
    "The way out:",
    ...wrap(rule.docs.help),
    "",
    `Fix by stackmod rewrite: ${fixLine(rule)}`,
  ];
  if (rule.texts.length > 0) {
    lines.push("", "What the engine or docker stack says (search for these):");
    for (const text of rule.texts) {
      lines.push(`  "${text.text}"`, `    engines: ${describeRanges(text.engines)}; read in ${text.source}`);
    }
  }
  lines.push("", "Sources:", ...rule.docs.sources.map((source) => `  - ${source}`), "");
  return lines.join("\n");
}

function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(`  ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`  ${line}`);
  return lines;
}
