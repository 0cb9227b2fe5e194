import { optionRows } from "../src/plan/options-doc.js";
import type { Transform } from "../src/strategies/strategy.js";
import { listItem } from "./markdown-list.js";

/**
 * The README's list of options, built from the same zod schemas that validate
 * `x-stackmod` blocks, so the two cannot drift apart: `npm run docs` writes it,
 * test/readme.test.ts fails when the README differs. One item per option:
 * `- OPTION (VALUES; default DEFAULT): DESCRIPTION`, a list because the rows of a
 * table would be too long to read.
 */
export function optionsTable(transforms: readonly Transform[]): string {
  return optionRows(transforms)
    .map((r) => {
      const values = [r.values, r.defaultValue && `default ${r.defaultValue}`].filter(Boolean).join("; ");
      return listItem(`${r.option} (${values})${r.description ? `: ${r.description}` : ""}`);
    })
    .join("\n");
}
