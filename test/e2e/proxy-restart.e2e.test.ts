// Scenario: a proxy whose host port is taken. The gateway stack (on its own ports) rewritten by the real CLI with
// `--publish host`, deployed while something on the node already listens on the proxy's TCP port: the proxy's
// forwarder cannot bind, the proxy exits 1 (its other forwarder was fine), Swarm restarts it, and once the port
// is free the restarted proxy forwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultProxyImage } from "../../src/strategies/proxy/proxy.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { poll } from "./run.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce, tcpFromHost } from "./traffic.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/gateway.yml", import.meta.url));
const STACK = "e2erestart";
const [UDP, TCP] = [21510, 21511];

describe.skipIf(!engine)("a proxy whose port is taken exits 1 and is restarted (real engine)", () => {
  const e = engine!;
  let holder: Server | undefined;

  beforeAll(async () => {
    await timed(e.dir, "proxy restart: rewrite, deploy with the port taken", async () => {
      await buildImage(e, defaultProxyImage, SOCAT_IMAGE);
      const input = join(e.dir, "gateway-restart.yml");
      writeFileSync(input, readFileSync(INPUT, "utf8").replaceAll("21110", `${UDP}`).replaceAll("21111", `${TCP}`));
      const { file } = await rewriteToFile(e, input, ["--strategy", "proxy", "--publish", "host"]);
      // Something on the node holds the proxy's TCP port already.
      const server = createServer((socket) => socket.end("holder\n"));
      holder = server;
      await new Promise<void>((resolve) => server.listen(TCP, "0.0.0.0", resolve));
      await deployStack(e, file, STACK);
    });
  });
  afterAll(() =>
    timed(e.dir, "proxy restart: remove", async () => {
      holder?.close();
      await removeStackNow(e, STACK);
    }),
  );

  it("the proxy's task fails with exit 1, and Swarm starts it again", async () => {
    const failed = await poll("two failed proxy tasks", 60_000, async () => {
      const r = await docker(e, ["service", "ps", "--no-trunc", "--format", "{{.Error}}", `${STACK}_gateway-proxy`]);
      const errors = r.stdout.split("\n").filter((line) => line.includes("non-zero exit (1)"));
      return errors.length >= 2 ? errors : undefined;
    });
    expect(failed[0]).toContain("task: non-zero exit (1)");
    // and it says which forwarder could not run
    const logs = await poll("the proxy's log", 30_000, async () => {
      const r = await docker(e, ["service", "logs", "--raw", `${STACK}_gateway-proxy`], { allowFail: true });
      const text = r.stdout + r.stderr;
      return text.includes("stopped (exit 1)") ? text : undefined;
    });
    expect(logs).toContain(`stackmod proxy: the forwarder of ${TCP}/tcp stopped (exit 1)`);
    expect(logs).toContain("Address already in use");
  }, 90_000);

  it("once the port is free, the restarted proxy forwards to the gateway", async () => {
    await new Promise<void>((resolve) => holder!.close(() => resolve()));
    holder = undefined;
    await waitConverged(e, STACK, 60_000);
    const gateway = await runningTask(e, `${STACK}_gateway`);
    const payload = nonce("tcp");
    const answer = await poll("the restarted proxy to answer", 30_000, async () => {
      const reply = await tcpFromHost("127.0.0.1", TCP, payload);
      return reply === "" ? undefined : reply;
    });
    expect(answer).toBe(`gateway-tcp ${payload} ${gateway.id.slice(0, 12)}`);
  }, 120_000);
});
