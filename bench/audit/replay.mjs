// Serves recorded engine answers on a unix socket until killed: `node replay.mjs FIXTURE SOCKET`.
import { readFileSync } from "node:fs";
import { replayServer } from "../../test/helpers/engine-api.mjs";

const [fixture, socket] = process.argv.slice(2);
await replayServer(JSON.parse(readFileSync(fixture, "utf8")).exchanges, socket);
process.stdout.write("ready\n");
