import { readFileSync } from "node:fs";
import { rewrite } from "../src/rewrite.js";

/** README sections named `diff PATH` hold what `stackmod rewrite PATH` prints for that example. */
export const diffSectionPrefix = "diff ";

/** The fenced diff for one example, exactly as the CLI prints it (the example carries its own options). */
export function exampleDiffBlock(path: string): string {
  const { diff } = rewrite(readFileSync(path, "utf8"), { file: path, env: {} });
  return "```diff\n" + diff + "```\n";
}
