// Scenario: outbound with a reference rewritten to a published port. The app is on the host network
// and an overlay, and reaches its NATS broker on the overlay by name (QUEUE_URL: nats://broker:4222). The real CLI
// rewrites it with `--strategy proxy --direction outbound`: the app stays on the host network, where Swarm names do
// not resolve, and its QUEUE_URL now names 127.0.0.1 at the port the broker publishes. Deployed, the app still
// subscribes, and a message published from the app's own container comes back to it through the broker. The
// control is the same output with only that reference put back as it was: deployed beside it, its app never
// reaches its broker, though the broker answers at its published port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { poll, run } from "./run.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, execInService, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce } from "./traffic.js";

const engine = e2eEngine();
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const INPUT = here("./stacks/outbound-broker.yml");
const HOST_PORT = here("./stacks/outbound-broker-host-port.override.yml");
const STACK = "e2eoutbroker";
const CONTROL = "e2eoutbrokerctl";
const [PUBLISHED, CONTROL_PUBLISHED] = [21620, 21622];
const REWRITTEN = `QUEUE_URL: nats://127.0.0.1:${PUBLISHED}`;
const AS_WRITTEN = "QUEUE_URL: nats://broker:4222";

const logsOf = async (service: string) => {
  const r = await docker(engine!, ["service", "logs", "--raw", service], { allowFail: true });
  return r.stdout + r.stderr;
};
/** queue-send.sh run in the app's own container, with its environment: "published PAYLOAD" once the broker has it. */
const sendFromApp = async (stack: string, payload: string) =>
  (await execInService(engine!, `${stack}_app`, ["sh", "/usr/local/bin/queue-send.sh", payload])).stdout.trim();

describe.skipIf(!engine)("outbound: a reference rewritten to a published port still reaches its broker", () => {
  const e = engine!;
  let text = "";
  let report = "";

  beforeAll(async () => {
    await timed(e.dir, "outbound broker: images, rewrite, deploy, converge (and the control)", async () => {
      await buildImage(e, "stackmod-e2e/queue-app:latest", {
        ...SOCAT_IMAGE,
        files: {
          // the NATS protocol of the shell app: its kind's app.sh, as the split scenario installs it
          "/usr/local/lib/queue-app/nats.sh": readFileSync(here("../brokers/kinds/nats/app.sh"), "utf8"),
          "/usr/local/bin/queue-app.sh": readFileSync(here("./stacks/app/queue-app.sh"), "utf8"),
          "/usr/local/bin/queue-send.sh": readFileSync(here("./stacks/app/queue-send.sh"), "utf8"),
        },
        cmd: ["sh", "/usr/local/bin/queue-app.sh"],
      });
      await buildImage(e, "nats:2.10", { binaries: ["nats-server"], cmd: ["nats-server"] });
      const rewritten = await rewriteToFile(e, INPUT, ["--strategy", "proxy", "--direction", "outbound"]);
      ({ text, report } = rewritten);
      // The control: the same output, with the one reference the rewrite changed put back, on ports of its own.
      expect(text.split(REWRITTEN)).toHaveLength(2);
      const control = text.replace(REWRITTEN, AS_WRITTEN).replaceAll(`${PUBLISHED}`, `${CONTROL_PUBLISHED}`);
      const controlFile = join(e.dir, "outbound-broker-control.yml");
      const controlHostPort = join(e.dir, "outbound-broker-control-host-port.override.yml");
      writeFileSync(controlFile, control);
      writeFileSync(
        controlHostPort,
        readFileSync(HOST_PORT, "utf8").replaceAll(`${PUBLISHED}`, `${CONTROL_PUBLISHED}`),
      );
      await deployStack(e, [rewritten.file, HOST_PORT], STACK);
      await deployStack(e, [controlFile, controlHostPort], CONTROL);
      await waitConverged(e, STACK, 60_000);
      await waitConverged(e, CONTROL, 60_000);
    });
  });
  afterAll(() =>
    timed(e.dir, "outbound broker: remove", () =>
      Promise.all([removeStackNow(e, STACK), removeStackNow(e, CONTROL)]).then(() => undefined),
    ),
  );

  it("the rewrite kept the app on the host network and rewrote its reference, and said so", async () => {
    expect(text).toContain(`      ${REWRITTEN}\n`);
    expect(text).not.toContain("nats://broker:4222");
    expect(report).toContain(
      `flow app → broker:4222: kept, reference rewritten to 127.0.0.1:${PUBLISHED}, which broker publishes on every ` +
        `node`,
    );
    expect((await runningTask(e, `${STACK}_app`)).networks).toEqual(["host"]);
  });

  it("the app subscribes through the rewritten reference, and what it publishes comes back to it", async () => {
    await poll("the app to subscribe", 30_000, async () =>
      (await logsOf(`${STACK}_app`)).includes(`subscribed to e2e.outbound at 127.0.0.1:${PUBLISHED}`)
        ? true
        : undefined,
    );
    const payload = nonce("outbound");
    expect(await sendFromApp(STACK, payload)).toBe(`published ${payload}`);
    const received = await poll("the app to receive its message", 30_000, async () => {
      const lines = (await logsOf(`${STACK}_app`)).split("\n");
      const got = lines.filter((line) => line === `received ${payload}`);
      return got.length > 0 ? got : undefined;
    });
    expect(received).toEqual([`received ${payload}`]);
  });

  it("control: with the reference as written, the app on the host network never reaches its broker", async () => {
    // the control's broker is up and answers at its published port
    const ping = await run("sh", [
      "-c",
      `printf 'CONNECT {"verbose":false}\\r\\nPING\\r\\n' | socat -t 3 - TCP4:127.0.0.1:${CONTROL_PUBLISHED}`,
    ]);
    expect(ping.stdout).toMatch(/^PONG\r$/m);
    // its app keeps failing to connect to the name, and publishing from it fails too
    await poll("the control app's second failed connection", 30_000, async () => {
      const logs = await logsOf(`${CONTROL}_app`);
      return logs.split("no connection to broker:4222, retrying").length > 2 ? true : undefined;
    });
    expect(await sendFromApp(CONTROL, nonce("control"))).toBe("");
    const logs = await logsOf(`${CONTROL}_app`);
    expect(logs).not.toContain("subscribed to");
    expect(logs).toContain('E getaddrinfo("broker", "NULL", {1,2,1,6}, {}): Name or service not known');
  });
});
