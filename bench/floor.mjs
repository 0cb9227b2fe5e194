// The floor for `stackmod check DIR`: find the same files, read them and run the
// yaml CST parser over each, nothing else. Usage: node bench/floor.mjs DIR
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Parser } from "yaml";

const stackFileName = /(compose|stack)[^/]*\.ya?ml$/i;

function walk(directory, found) {
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) walk(path, found);
    else if (stackFileName.test(name)) found.push(path);
  }
  return found;
}

let tokens = 0;
for (const path of walk(process.argv[2], [])) {
  for (const _token of new Parser().parse(readFileSync(path, "utf8"))) tokens += 1;
}
if (tokens === 0) process.exitCode = 1;
