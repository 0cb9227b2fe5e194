#!/usr/bin/env node
"use strict";
require("./bundle-loader.js")
  .loadMain()
  .then((main) => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
