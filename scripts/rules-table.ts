import { engineLine, fixLine } from "../src/rules/describe.js";
import type { Rule } from "../src/rules/rule.js";
import { listItem } from "./markdown-list.js";

/**
 * The README's list of rules, built from the rules themselves (id, severity,
 * engines, sources, fix): `npm run docs` writes it, test/readme.test.ts fails when
 * the README differs. One item per rule: `- RULE (SEVERITY): WHAT`, then the
 * engines it bites on, its source and what `rewrite` does.
 */
export function rulesTable(rules: readonly Rule[]): string {
  return rules
    .map((rule) =>
      listItem(
        `\`${rule.id}\` (${rule.severity}): ${rule.summary}. *Bites on:* ${engineLine(rule)}. ` +
          `*Source:* ${shortSource(rule)}. *Fix by \`rewrite\`:* ${fixLine(rule)}`,
      ),
    )
    .join("\n");
}

/** The first source without its parenthesis: `stackmod explain RULE` has the whole list. */
function shortSource(rule: Rule): string {
  const first = rule.docs.sources[0]!;
  const cut = first.indexOf(" (");
  return cut > 0 ? first.slice(0, cut) : first;
}
