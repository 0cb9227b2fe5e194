// The same requests through dockerode (docker-modem), installed by bench/run.mjs into
// node_modules/.cache/stackmod/bench-dockerode.
import { createRequire } from "node:module";

const require = createRequire(
  new URL("../../node_modules/.cache/stackmod/bench-dockerode/package.json", import.meta.url),
);
const Docker = require("dockerode");
const docker = new Docker({ socketPath: process.argv[2] });
await docker.version();
const answers = [await docker.listServices(), await docker.listNetworks(), await docker.listTasks()];
if (!answers.every(Array.isArray)) throw new Error("unexpected answer");
