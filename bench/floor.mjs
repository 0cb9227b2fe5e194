// The floor for `stackmod check DIR`: find the same files, read them and run the
// yaml CST parser over each, nothing else. Usage: node bench/floor.mjs DIR
// With --compose, each file is also composed into a document and turned into plain
// data (yaml's parseAllDocuments + toJS): what any typed model built with yaml needs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Parser, parseAllDocuments } from "yaml";

const stackFileName = /(compose|stack)[^/]*\.ya?ml$/i;

function walk(directory, found) {
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (stackFileName.test(name)) found.push(path);
  }
  return found;
}

const compose = process.argv.includes("--compose");
const directory = process.argv.slice(2).find((arg) => !arg.startsWith("--"));
let tokens = 0;
for (const path of walk(directory, [])) {
  const text = readFileSync(path, "utf8");
  if (compose) {
    for (const doc of parseAllDocuments(text, { merge: true, maxAliasCount: 10_000 }))
      if (doc.errors.length === 0 && doc.toJS({ maxAliasCount: 10_000 }) !== undefined) tokens += 1;
  } else {
    for (const _token of new Parser().parse(text)) tokens += 1;
  }
}
if (tokens === 0) process.exitCode = 1;
