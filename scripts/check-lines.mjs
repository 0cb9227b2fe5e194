// Lines of at most 120 characters where prettier cannot see them: long strings and comments in code (prettier
// never breaks those), shell scripts, and the Markdown a contributor reads beside the code (a table row cannot
// wrap, so a long one has to become a list). The README is left out: its tables are generated from the code.
// Test data (fixtures, bad inputs) is compared byte for byte and left out too.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const limit = 120;
const code = /^(src|test|scripts|bench|\.ci)\/.*\.(ts|mjs|js|sh)$|^\.ci\/run$/;
const docs = /^(CONTRIBUTING|test\/e2e\/README|bench\/README)\.md$/;
const data = /^test\/(fixtures|bad-input)\//;

const files = execFileSync("git", ["ls-files"], { encoding: "utf8" })
  .split("\n")
  .filter((file) => (code.test(file) || docs.test(file)) && !data.test(file));
const long = [];
for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    if ([...line].length > limit) long.push(`${file}:${i + 1}: ${[...line].length} characters`);
  });
}
if (long.length > 0) {
  process.stderr.write(`${long.join("\n")}\nlines over ${limit} characters: reflow them (no logic packed into one)\n`);
  process.exit(1);
}
