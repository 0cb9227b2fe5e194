#!/usr/bin/env -S node --
"use strict";
// The `--` above ends Node's own options before this file's name. Node.js 20 and later
// scan their whole command line for `--env-file` (up to a `--`), arguments to the script
// included, and act on the file before any JavaScript runs: a NODE_OPTIONS line in it
// would run code, a missing file would exit 9, a FIFO would hang. With the `--`, stackmod's
// own `--env-file` reaches stackmod, which reads the file as data (README, "Command line").
const { join } = require("node:path");
const { refuseUnguardedEnvFile } = require("./launch-guard.js");

if (!refuseUnguardedEnvFile(process.argv, __filename)) {
  require("./bundle-loader.js")
    .loadCli()
    .then(async (cli) => {
      // `check` over many files runs batch-worker.js in a worker thread.
      cli.enableWorkers(join(__dirname, "batch-worker.js"));
      process.exitCode = await cli.main(process.argv.slice(2));
    });
}
