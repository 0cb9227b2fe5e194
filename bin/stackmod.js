#!/usr/bin/env node
"use strict";
const { join } = require("node:path");

require("./bundle-loader.js")
  .loadCli()
  .then(async (cli) => {
    // `check` over many files runs batch-worker.js in a worker thread.
    cli.enableWorkers(join(__dirname, "batch-worker.js"));
    process.exitCode = await cli.main(process.argv.slice(2));
  });
