"use strict";
// The worker thread of `check` over many files: its own entry, so that the CLI's
// main thread never loads node:worker_threads (and the stream modules it pulls in)
// on a cold start that does not need it.
require("./bundle-loader.js")
  .loadCli()
  .then((cli) => cli.runBatchWorker());
