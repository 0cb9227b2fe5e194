// `npm run docs`: regenerates the README's generated sections and the report schema's rule ids; `--check`
// only reports a difference (exit 1).
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
import { withRuleIds } from "./report-schema.js";

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
const schemaPath = resolve(process.cwd(), "schema", "report-v1.schema.json");
const schemaBefore = readFileSync(schemaPath, "utf8");
const schemaAfter = withRuleIds(
  schemaBefore,
  rules.map((rule) => rule.id),
);
if (process.argv.includes("--check")) {
  if (stale.length > 0) {
    console.error(`README.md is out of date (${stale.join(", ")}): run npm run docs`);
    process.exitCode = 1;
  }
  if (schemaAfter !== schemaBefore) {
    console.error("schema/report-v1.schema.json: the rule ids are out of date: run npm run docs");
    process.exitCode = 1;
  }
} else {
  if (after !== before) {
    writeFileSync(path, after);
    console.error(`README.md: updated ${stale.join(", ")}`);
  }
  if (schemaAfter !== schemaBefore) {
    writeFileSync(schemaPath, schemaAfter);
    console.error("schema/report-v1.schema.json: updated the rule ids");
  }
}
