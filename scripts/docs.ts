// `npm run docs`: regenerates the README's generated sections; `--check` only reports a difference (exit 1).
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { transforms } from "../transforms/index.js";
import { optionsTable } from "./options-table.js";
import { readSection, writeSection } from "./readme-sections.js";

// npm runs scripts from the package's root; the bundled script lives elsewhere.
const path = resolve(process.cwd(), "README.md");
const before = readFileSync(path, "utf8");
const table = optionsTable(transforms) + "\n";
const after = writeSection(before, "options-table", table);
if (process.argv.includes("--check")) {
  if (readSection(before, "options-table") !== table) {
    console.error("README.md's options table is out of date: run npm run docs");
    process.exitCode = 1;
  }
} else if (after !== before) {
  writeFileSync(path, after);
  console.error("README.md: options table updated");
}
