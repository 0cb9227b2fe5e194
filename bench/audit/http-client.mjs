// The audit's requests with Node's own http and a socket path, nothing else: one side of the client comparison.
import { request } from "node:http";

const socketPath = process.argv[2];
const agent = new (await import("node:http")).Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) =>
  new Promise((resolve, reject) => {
    const req = request({ socketPath, path, agent, headers: { Host: "api.moby.localhost" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on("error", reject);
    req.end();
  });
const version = await get("/version");
const prefix = `/v${version.ApiVersion}`;
const answers = [await get(`${prefix}/services`), await get(`${prefix}/networks`), await get(`${prefix}/tasks`)];
if (!answers.every(Array.isArray)) throw new Error("unexpected answer");
agent.destroy();
