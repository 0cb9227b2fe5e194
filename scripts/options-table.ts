import { optionRows } from "../src/plan/options-doc.js";
import type { Transform } from "../src/strategies/strategy.js";

/**
 * The README's options table, built from the same zod schemas that validate
 * `x-stackmod` blocks, so the two cannot drift apart: `npm run docs` writes it,
 * test/readme.test.ts fails when the README differs.
 */
export function optionsTable(transforms: readonly Transform[]): string {
  const rows = optionRows(transforms);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(["option", "values", "default", "description"]),
    line(["---", "---", "---", "---"]),
    ...rows.map((r) => line([r.option, r.values, r.defaultValue, r.description].map(escapeCell))),
  ].join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
