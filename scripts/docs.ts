// `npm run docs`: regenerates the README's generated sections; `--check` only reports a difference (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { transforms } from "../src/strategies/index.js";
import { diffSectionPrefix, exampleDiffBlock } from "./example-diffs.js";
import { optionsTable } from "./options-table.js";
import { queuesTable } from "./queues-table.js";
import { rulesTable } from "./rules-table.js";
import { rules } from "../src/rules/index.js";
import { queueKindList } from "../src/strategies/split/queues/index.js";
import { readSection, sectionNames, writeSection } from "./readme-sections.js";

// npm runs scripts from the package's root; the bundled script lives elsewhere.
const path = resolve(process.cwd(), "README.md");
const before = readFileSync(path, "utf8");
const sections = new Map([
  ["options-table", optionsTable(transforms) + "\n"],
  ["rules-table", rulesTable(rules) + "\n"],
  ["queues-table", queuesTable(queueKindList) + "\n"],
]);
for (const name of sectionNames(before, diffSectionPrefix))
  sections.set(name, exampleDiffBlock(name.slice(diffSectionPrefix.length)));
let after = before;
for (const [name, content] of sections) after = writeSection(after, name, content);
const stale = [...sections].filter(([name, content]) => readSection(before, name) !== content).map(([name]) => name);
if (process.argv.includes("--check")) {
  if (stale.length > 0) {
    console.error(`README.md is out of date (${stale.join(", ")}): run npm run docs`);
    process.exitCode = 1;
  }
} else if (after !== before) {
  writeFileSync(path, after);
  console.error(`README.md: updated ${stale.join(", ")}`);
}
