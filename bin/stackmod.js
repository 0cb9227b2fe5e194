#!/usr/bin/env node
"use strict";
const { isMainThread } = require("node:worker_threads");

require("./bundle-loader.js")
  .loadCli()
  .then(async (cli) => {
    // `check` over many files runs this same entry in a worker thread.
    if (!isMainThread) return cli.runBatchWorker();
    cli.enableWorkers(__filename);
    process.exitCode = await cli.main(process.argv.slice(2));
  });
