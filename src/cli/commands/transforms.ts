import { transforms as registry } from "../../strategies/index.js";
import type { Transform } from "../../strategies/strategy.js";
import { optionRows, type OptionRow } from "../../plan/options-doc.js";

/**
 * `stackmod transforms`: every strategy (skip included) and every option, with its allowed
 * values and default, from the zod schemas that validate them (the README's list too).
 */
export function describeTransforms(transforms: readonly Transform[] = registry): string {
  const rows = optionRows(transforms);
  const plain = (text: string) => text.replace(/`/g, "");
  const option = (row: OptionRow) => {
    const values = plain(row.values);
    // strategy has no schema default: when no layer gives it, the rewrite chooses it from what the file shows.
    const given = row.option === "`strategy`" ? "chosen from what the file shows" : plain(row.defaultValue);
    const fallback = given ? `; default ${given}` : "";
    return `    ${plain(row.option)}: ${values}${fallback}\n        ${plain(row.description)}`;
  };
  const inBlock = (key: string) => rows.filter((row) => row.option.startsWith(`\`${key}.`));
  const sections = transforms.map((t) => [`${t.name}: ${t.summary}`, ...inBlock(t.optionsKey).map(option)].join("\n"));
  const shared = rows.filter((row) => !transforms.some((t) => row.option.startsWith(`\`${t.optionsKey}.`)));
  return [
    ...sections,
    "skip: leave the service as it is (reported as skipped, its findings remain)",
    ["Every service, whatever its strategy (x-stackmod, the top-level block, --config):", ...shared.map(option)].join(
      "\n",
    ),
  ]
    .join("\n\n")
    .concat("\n");
}
