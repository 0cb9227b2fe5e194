// Bundles the CLI into dist/stackmod.cjs (one file: no module resolution at start-up)
// and writes V8's code cache for it, trained on a check and a rewrite, so that a cold
// `stackmod` neither parses nor compiles the functions those commands run.
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const root = resolve(import.meta.dirname, "..");
const loader = createRequire(import.meta.url)(join(root, "bin", "bundle-loader.js"));

/**
 * commander requires node:child_process at load for executable subcommands, which
 * stackmod has none of; loading it (and the stream modules behind it) is a few
 * milliseconds of every cold start. Here it is loaded on first use instead.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes(`${join("node_modules", "commander")}`)
        ? { path: "child_process", namespace: "lazy-builtin" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, () => ({
      contents: 'module.exports = new Proxy({}, { get: (_, key) => require("node:child_process")[key] });',
      loader: "js",
    }));
  },
};

rmSync(loader.cacheFile, { force: true });
await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile: loader.bundle,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  // STACKMOD_BUNDLE_DEBUG=1 keeps names readable, for `node --cpu-prof`.
  minify: process.env.STACKMOD_BUNDLE_DEBUG !== "1",
  // No keepNames: naming every function and class at load is a cold start's cost, and no message reads a class name.
  legalComments: "none",
  logLevel: "warning",
  plugins: [lazyChildProcess],
  // The bundle runs through vm.Script, which has no loader for import(): it becomes require.
  supported: { "dynamic-import": false },
});

const sample = `version: "3.8"
x-defaults: &defaults
  logging: {driver: json-file}
services:
  # on the host network and an overlay: what stackmod rewrites
  bacnet:
    <<: *defaults
    image: example/bacnet:1
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp", 502]}
  api:
    image: example/api:1
    networks:
      - backend
    ports:
      - "8080:80"
networks:
  hostnet: {external: true, name: host}
  backend: {driver: overlay}
`;
const { exports, script } = loader.loadBundle();
const io = { stdout() {}, stderr() {}, stdin: () => Buffer.from(sample), env: {} };
for (const argv of [
  ["check", "-"],
  ["rewrite", "-"],
  ["check", "-", "--format", "json"],
  // A folder: the scan, each file's read and the report of many files (`check DIR`).
  ["check", join(root, "examples")],
])
  await exports.main(argv, io);
writeFileSync(loader.cacheFile, script.createCachedData());
