import { engineLine, fixLine } from "../src/rules/describe.js";
import type { Rule } from "../src/rules/rule.js";

/**
 * The README's table of rules, built from the rules themselves (id, severity,
 * engines, sources, fix): `npm run docs` writes it, test/readme.test.ts fails when
 * the README differs.
 */
export function rulesTable(rules: readonly Rule[]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [
    line(["rule", "severity", "bites on", "what", "source", "fix by `rewrite`"]),
    line(["---", "---", "---", "---", "---", "---"]),
    ...rules.map((rule) =>
      line([`\`${rule.id}\``, rule.severity, engineLine(rule), rule.summary, shortSource(rule), fixLine(rule)]),
    ),
  ].join("\n");
}

/** The first source without its parenthesis: `stackmod explain RULE` has the whole list. */
function shortSource(rule: Rule): string {
  const first = rule.docs.sources[0]!;
  const cut = first.indexOf(" (");
  return cut > 0 ? first.slice(0, cut) : first;
}
