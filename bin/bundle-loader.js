"use strict";
// Loads dist/stackmod.cjs, the CLI bundled into one file, through V8's code cache
// (dist/stackmod.cjs.cache, written by scripts/bundle.mjs): Node 20 has no module
// compile cache, and compiling the bundle is most of what a cold start costs.
const { readFileSync, statSync } = require("node:fs");
const { join } = require("node:path");
const { Script } = require("node:vm");

const dist = join(__dirname, "..", "dist");
const bundle = join(dist, "stackmod.cjs");
const cacheFile = bundle + ".cache";

/** The bundle is usable when it exists and is not older than tsc's output (a stale bundle would hide edits). */
function bundleIsCurrent() {
  try {
    return statSync(bundle).mtimeMs >= statSync(join(dist, "src", "cli", "main.js")).mtimeMs - 1000;
  } catch {
    return false;
  }
}

function readCache() {
  try {
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/** Evaluates the bundle as a CommonJS module; returns its exports and the compiled script. */
function loadBundle() {
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`;
  const script = new Script(wrapper, { filename: bundle, cachedData: readCache() });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, bundle, dist);
  return { exports: module.exports, script };
}

/** The CLI module (`main`, the worker entry): from the bundle when it is current, else from tsc's modules. */
async function loadCli() {
  if (bundleIsCurrent()) return loadBundle().exports;
  return import("../dist/src/cli/main.js");
}

module.exports = { bundle, cacheFile, loadBundle, loadCli };
