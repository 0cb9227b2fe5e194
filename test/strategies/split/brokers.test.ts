// The split strategy end to end against real brokers: rewrite a fixture, read the
// collector's and the processor's environment from the rewritten YAML, point it at
// a broker on loopback (the queue's service name -> 127.0.0.1, its port -> the test
// broker's port, /run/secrets/NAME -> a test file), and pass a message from
// test/brokers/app/collector.mjs to processor.mjs with exactly that environment.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rewrite } from "../../../src/index.js";
import { startBroker, type Broker, type BrokerKind } from "../../brokers/brokers.js";
import { testDir } from "../../helpers/paths.js";

const FIXTURES = join(testDir, "fixtures", "split");
const APP = join(testDir, "brokers", "app");

type Env = Record<string, string>;

const cases: { fixture: string; service: string; broker: BrokerKind }[] = [
  { fixture: "nats-stack", service: "bacnet", broker: "nats" },
  { fixture: "redis-stack", service: "snmp-traps", broker: "redis" },
  { fixture: "rabbitmq-stack", service: "modbus", broker: "rabbitmq" },
  { fixture: "mqtt-stack", service: "mdns", broker: "mqtt" },
  { fixture: "nats-compose", service: "bacnet", broker: "nats" },
  { fixture: "redis-compose", service: "snmp-traps", broker: "redis" },
  { fixture: "rabbitmq-compose", service: "modbus", broker: "rabbitmq" },
];

/** The rewrite of a fixture's input with its options, as the CLI would print it. */
function rewritten(fixture: string): Record<string, Record<string, unknown>> {
  const read = (suffix: string) => readFileSync(join(FIXTURES, fixture + suffix), "utf8");
  let options = {};
  try {
    options = JSON.parse(read(".options.json")) as object;
  } catch {
    // the fixture carries its options in its own x-stackmod blocks
  }
  const output = rewrite(read(".input.yml"), { file: `${fixture}.yml`, options }).output;
  return (parse(output, { merge: true }) as { services: Record<string, Record<string, unknown>> }).services;
}

function environmentOf(service: Record<string, unknown>): Env {
  const value = service.environment;
  if (Array.isArray(value)) return Object.fromEntries(value.map((item) => String(item).split(/=(.*)/s).slice(0, 2)));
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** The queue's published and target port, from whichever syntax the rewrite used. */
function queuePorts(queue: Record<string, unknown>): { published: number; target: number } {
  const port = (queue.ports as unknown[])[0]!;
  if (typeof port === "object") return port as { published: number; target: number };
  const [target, published] = String(port).split(":").reverse().map(Number);
  return { published: published!, target: target! };
}

// ---- brokers, started once per kind; redis gets a password like the rewritten queue ----

const brokers = new Map<BrokerKind, Promise<Broker>>();
const redisPassword = randomBytes(12).toString("hex");
function broker(kind: BrokerKind): Promise<Broker> {
  let started = brokers.get(kind);
  if (!started) {
    started = startBroker(kind).then(async (b) => {
      if (kind === "redis") {
        const client = createClient({ url: b.url });
        await client.connect();
        await client.configSet("requirepass", redisPassword);
        await client.close();
      }
      return b;
    });
    brokers.set(kind, started);
  }
  return started;
}
beforeAll(() => {
  // Slowest first, so that RabbitMQ boots while the others are used; each test awaits its own.
  for (const kind of ["rabbitmq", "nats", "redis", "mqtt"] as const) broker(kind).catch(() => {});
});
afterAll(async () => {
  for (const started of brokers.values()) await (await started.catch(() => undefined))?.stop();
});

const children = new Set<ChildProcess>();
const dirs: string[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.clear();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function run(script: string, env: Env, args: string[] = []) {
  const child = spawn(process.execPath, [join(APP, script), ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on("data", () => stderr.includes("ready\n") && resolve());
    child.on("close", () => reject(new Error(`${script} exited before it was ready:\n${stderr}`)));
  });
  ready.catch(() => {});
  return { done, ready };
}

/** Points one half's environment at the test broker and its secrets at test files. */
function localize(env: Env, b: Broker, expected: { host: string; port: number }, secrets: string): Env {
  const url = new URL(env.QUEUE_URL!);
  expect({ host: url.hostname, port: Number(url.port), user: url.username, password: url.password }).toEqual({
    ...expected,
    user: "",
    password: "",
  });
  url.hostname = "127.0.0.1";
  url.port = String(b.port);
  const out: Env = { ...env, QUEUE_URL: url.href.replace(/\/$/, "") };
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith("_FILE") || !value.startsWith("/run/secrets/")) continue;
    const secret = value.slice("/run/secrets/".length);
    const content = secret.endsWith("-user") ? b.user! : b.kind === "redis" ? redisPassword : b.password!;
    writeFileSync(join(secrets, secret), `${content}\n`);
    out[name] = join(secrets, secret);
  }
  return out;
}

describe("split: the rewritten environment carries a message through a real broker", () => {
  for (const { fixture, service, broker: kind } of cases) {
    it(`${fixture}: ${service}-collector -> ${kind} -> ${service}-processor`, async () => {
      const services = rewritten(fixture);
      const collectorEnv = environmentOf(services[`${service}-collector`]!);
      const processorEnv = environmentOf(services[`${service}-processor`]!);
      expect([collectorEnv.STACKMOD_ROLE, processorEnv.STACKMOD_ROLE]).toEqual(["collector", "processor"]);
      const queueName = new URL(processorEnv.QUEUE_URL!).hostname;
      const ports = queuePorts(services[queueName]!);

      const b = await broker(kind);
      const secrets = mkdtempSync(join(tmpdir(), "stackmod-split-secrets-"));
      dirs.push(secrets);
      const processor = run(
        "processor.mjs",
        localize(processorEnv, b, { host: queueName, port: ports.target }, secrets),
      );
      await processor.ready;
      const message = `${fixture} ${Date.now()} ünïcödé`;
      const collector = await run(
        "collector.mjs",
        localize(collectorEnv, b, { host: "127.0.0.1", port: ports.published }, secrets),
        [message],
      ).done;
      expect(collector.stderr).toBe("");
      expect(collector.code).toBe(0);
      const result = await processor.done;
      expect(result.stderr, `broker log:\n${b.log()}`).toBe("ready\n");
      expect(result.stdout).toBe(`${message}\n`);
      expect(result.code).toBe(0);
    }, 180_000);
  }
});
