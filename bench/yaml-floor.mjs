// The floor of a cold `stackmod check FILE` that no stackmod code can go below: a
// process that loads the yaml library, bundled and through a V8 code cache as the CLI
// is, and parses the file into a document and plain data. Nothing else.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Script } from "node:vm";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");

/** Builds .bench/yaml-floor/{yaml.cjs,yaml.cjs.cache,run.cjs}; returns the argv prefix that parses a file. */
export async function buildYamlFloor(benchDir, sample) {
  const dir = join(benchDir, "yaml-floor");
  const bundle = join(dir, "yaml.cjs");
  await build({
    stdin: { contents: 'export { parseAllDocuments } from "yaml";', resolveDir: root },
    outfile: bundle,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    minify: true,
    logLevel: "warning",
  });
  const runner = join(dir, "run.cjs");
  writeFileSync(
    runner,
    `"use strict";
const { readFileSync } = require("node:fs");
const { Script } = require("node:vm");
const bundle = ${JSON.stringify(bundle)};
const source = \`(function (exports, require, module) {\${readFileSync(bundle, "utf8")}\\n})\`;
const script = new Script(source, { filename: bundle, cachedData: readFileSync(bundle + ".cache") });
const yaml = { exports: {} };
script.runInThisContext()(yaml.exports, require, yaml);
const [doc] = yaml.exports.parseAllDocuments(readFileSync(process.argv[2], "utf8"));
if (doc.errors.length > 0 || doc.toJS() === null) process.exitCode = 1;
`,
  );
  // The code cache is trained on the same work, as scripts/bundle.mjs trains the CLI's.
  const script = new Script(`(function (exports, require, module) {${readFileSync(bundle, "utf8")}\n})`, {
    filename: bundle,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module);
  module.exports.parseAllDocuments(readFileSync(sample, "utf8"))[0].toJS();
  writeFileSync(bundle + ".cache", script.createCachedData());
  return runner;
}
