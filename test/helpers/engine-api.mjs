// The Engine API between stackmod and the engine: a recording proxy on a unix socket (every request forwarded
// to the real engine and recorded with its answer; anything but GET refused and recorded as a violation), and a
// replay server that answers recorded requests. Plain JS: the bench uses it too.
import { createServer, request } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { rmSync } from "node:fs";

/** Recorded answers are matched without the /vX.Y prefix; the prefix asked is kept in `path`. */
export const unversioned = (path) => path.replace(/^\/v\d+\.\d+(?=\/)/, "");

/**
 * A proxy on `listenPath` in front of the engine socket `upstream`. Returns { exchanges, refused, close }:
 * `exchanges` are { method, path, status, contentType, body } (body as text); `refused` lists each request that
 * was not a GET (answered 405 and never forwarded).
 */
export async function recordingProxy(upstream, listenPath) {
  const exchanges = [];
  const refused = [];
  const server = createServer((req, res) => {
    if (req.method !== "GET") {
      refused.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(405, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `the recording proxy refuses ${req.method}: stackmod audit must only GET` }));
      return;
    }
    const forward = request(
      { socketPath: upstream, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks = [];
        answer.on("data", (c) => chunks.push(c));
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          const contentType = answer.headers["content-type"] ?? "";
          exchanges.push({
            method: req.method,
            path: req.url,
            status: answer.statusCode,
            contentType,
            body: body.toString(),
          });
          const headers = { "content-type": contentType, "content-length": body.length };
          if (answer.headers["api-version"]) headers["api-version"] = answer.headers["api-version"];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    forward.on("error", (error) => {
      res.writeHead(502);
      res.end(String(error));
    });
    req.pipe(forward);
  });
  rmSync(listenPath, { force: true });
  await new Promise((resolve) => server.listen(listenPath, resolve));
  return { exchanges, refused, close: () => new Promise((resolve) => server.close(resolve)) };
}

/**
 * Answers the recorded exchanges on `listenPath` (the last one recorded per method and unversioned path wins);
 * anything else gets the engine's 404 shape. `asked` lists every request as it came. With `tls` ({ key, cert,
 * ca }) it is an https server on 127.0.0.1 that asks for a client certificate signed by `ca`, as
 * `dockerd --tlsverify` does, and `listenPath` is ignored: `port` says where it listens.
 */
export async function replayServer(exchanges, listenPath, tls) {
  const answers = new Map(exchanges.map((e) => [`${e.method} ${unversioned(e.path)}`, e]));
  const asked = [];
  const handler = (req, res) => {
    asked.push(`${req.method} ${req.url}`);
    req.resume();
    const recorded = answers.get(`${req.method} ${unversioned(req.url ?? "")}`);
    if (!recorded) {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `page not found (not recorded: ${req.method} ${req.url})` }));
      return;
    }
    res.writeHead(recorded.status, { "content-type": recorded.contentType });
    res.end(recorded.body);
  };
  if (tls) {
    const server = createTlsServer({ ...tls, requestCert: true, rejectUnauthorized: true }, handler);
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const close = () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve)));
    return { asked, port: server.address().port, close };
  }
  const server = createServer(handler);
  rmSync(listenPath, { force: true });
  await new Promise((resolve) => server.listen(listenPath, resolve));
  return { asked, close: () => new Promise((resolve) => server.close(resolve)) };
}
