// The split strategy's queue contract, against real brokers: a processor and a
// collector (test/brokers/app, with the clients of test/brokers/kinds) that read only QUEUE_URL, QUEUE_TOPIC and
// STACKMOD_ROLE (+ QUEUE_USER_FILE / QUEUE_PASSWORD_FILE), with the environment a
// rewrite emits, where the queue's service name becomes 127.0.0.1 and its port
// the test broker's port.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { queueKinds } from "../../src/strategies/split/queues/index.js";
import { BROKER_KINDS, brokerBinary, startBroker, type Broker, type BrokerKind } from "./brokers.js";
import { setupOf } from "./kinds/index.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "app");
const SERVICE = "bacnet";
const TOPIC = "bacnet";

/** Image port and URL scheme per kind, as the rewrite writes them. */
const QUEUE: Record<BrokerKind, { scheme: string; port: number }> = queueKinds;

type Env = Record<string, string>;

/**
 * The processor's environment as a rewrite emits it (it reaches the queue by its
 * service name on the overlay). `creds` = user:password in the URL (a kind whose auth is required).
 */
function emittedProcessorEnv(kind: BrokerKind, creds?: string): Env {
  const q = QUEUE[kind];
  return {
    QUEUE_URL: `${q.scheme}://${creds ? `${creds}@` : ""}${SERVICE}-queue:${q.port}`,
    QUEUE_TOPIC: TOPIC,
    STACKMOD_ROLE: "processor",
  };
}

/** The collector's: it is on the host network and uses 127.0.0.1:<published>. */
function emittedCollectorEnv(kind: BrokerKind, published: number, creds?: string): Env {
  const q = QUEUE[kind];
  return {
    QUEUE_URL: `${q.scheme}://${creds ? `${creds}@` : ""}127.0.0.1:${published}`,
    QUEUE_TOPIC: TOPIC,
    STACKMOD_ROLE: "collector",
  };
}

/** user:password for the URL of a broker that requires them (Redis: only a password). */
function credentialsOf(b: Broker): string | undefined {
  return b.password === undefined ? undefined : `${b.user ?? ""}:${b.password}`;
}

/** Point an emitted environment at the test broker: service name -> 127.0.0.1, port -> test port. */
function localize(env: Env, kind: BrokerKind, broker: Broker, published?: number): Env {
  const out = { ...env };
  const from = published === undefined ? `@?${SERVICE}-queue:${QUEUE[kind].port}` : `127\\.0\\.0\\.1:${published}`;
  out.QUEUE_URL = env.QUEUE_URL!.replace(
    new RegExp(`${from}$`),
    (m) => `${m.startsWith("@") ? "@" : ""}127.0.0.1:${broker.port}`,
  );
  expect(out.QUEUE_URL).not.toBe(env.QUEUE_URL);
  return out;
}

// ---- child processes: all killed after each test, passed or not --------------------

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  children.clear();
});

/** Only the given variables (and PATH): the apps must need nothing else. */
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
  return { child, done, ready };
}

async function roundTrip(
  kind: BrokerKind,
  broker: Broker,
  opts: { processorEnv: Env; collectorEnv: Env; collectorFirst?: boolean },
) {
  const message = `hello from ${kind} ${Date.now()} ünïcödé`;
  let processor: ReturnType<typeof run> | undefined;
  if (!opts.collectorFirst) {
    processor = run("processor.mjs", opts.processorEnv);
    await processor.ready; // nats and mqtt drop what is published before the subscription
  }
  const collector = await run("collector.mjs", opts.collectorEnv, [message]).done;
  expect(collector.stderr).toBe("");
  expect(collector.code).toBe(0);
  processor ??= run("processor.mjs", opts.processorEnv);
  const result = await processor.done;
  expect(result.stderr, `processor stderr; broker log:\n${broker.log()}`).toBe("ready\n");
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`${message}\n`);
}

// ---- the suite ---------------------------------------------------------------------

const timings: Partial<Record<string, number>> = {};
const started: Broker[] = [];
/** Brokers start in parallel (rabbitmq takes ~5 s); each test awaits its own. */
const pending = new Map<string, Promise<Broker>>();

/** The broker of KIND, started once; with `auth`, a second one that requires credentials. */
function broker(kind: BrokerKind, auth = false): Promise<Broker> {
  // a kind whose auth is required has credentials either way: one broker
  const key = auth && queueKinds[kind].auth !== "required" ? `${kind} with credentials` : kind;
  let p = pending.get(key);
  if (!p) {
    p = startBroker(kind, { auth }).then((b) => {
      started.push(b);
      timings[key] = b.startMs;
      return b;
    });
    p.catch(() => {}); // reported by the test that awaits it
    pending.set(key, p);
  }
  return p;
}

/** Slowest first, so that it boots while the others are tested. */
const bySlowestStart = [...BROKER_KINDS].sort((a, b) => setupOf(b).startTimeoutMs - setupOf(a).startTimeoutMs);
/** The kinds whose queue can require credentials, read from secret files. */
const withAuth = BROKER_KINDS.filter((kind) => queueKinds[kind].auth !== "never");

beforeAll(() => {
  for (const kind of bySlowestStart) if (brokerBinary(kind)) void broker(kind);
});

afterAll(async () => {
  await Promise.allSettled([...pending.values()]);
  await Promise.all(started.map((b) => b.stop()));
  const line = Object.entries(timings)
    .map(([key, ms]) => `${key} ${ms} ms`)
    .join(", ");
  console.log(`broker start times: ${line}`);
});

const missing = BROKER_KINDS.filter((k) => !brokerBinary(k));
// In CI every broker must be there; a developer without them sees the tests skipped.
const skipMissing = process.env.CI ? false : missing.length > 0;

describe.skipIf(skipMissing)("split queue contract against real brokers", () => {
  for (const kind of BROKER_KINDS) {
    it(`${kind}: the processor prints what the collector published`, async () => {
      const b = await broker(kind);
      const creds = credentialsOf(b);
      const published = 50000 + (b.port % 1000);
      await roundTrip(kind, b, {
        processorEnv: localize(emittedProcessorEnv(kind, creds), kind, b),
        collectorEnv: localize(emittedCollectorEnv(kind, published, creds), kind, b, published),
      });
    });
  }

  for (const kind of withAuth) {
    it(`${kind}: credentials from QUEUE_USER_FILE / QUEUE_PASSWORD_FILE (Swarm secrets)`, async () => {
      const b = await broker(kind, true);
      expect(b.password, `${kind}: a broker started with auth has a password`).toBeDefined();
      const secrets = mkdtempSync(join(tmpdir(), "stackmod-secrets-"));
      try {
        const files: Env = { QUEUE_PASSWORD_FILE: join(secrets, "queue_password") };
        writeFileSync(files.QUEUE_PASSWORD_FILE!, `${b.password}\n`);
        if (b.user !== undefined) {
          files.QUEUE_USER_FILE = join(secrets, "queue_user");
          writeFileSync(files.QUEUE_USER_FILE, `${b.user}\n`);
        }
        await roundTrip(kind, b, {
          processorEnv: { ...localize(emittedProcessorEnv(kind), kind, b), ...files },
          collectorEnv: { ...localize(emittedCollectorEnv(kind, 55672), kind, b, 55672), ...files },
        });
      } finally {
        rmSync(secrets, { recursive: true, force: true });
      }
    });
  }

  for (const kind of BROKER_KINDS.filter((k) => setupOf(k).keepsUnconsumed)) {
    it(`${kind}: a message published while no processor runs is delivered when it starts`, async () => {
      const b = await broker(kind);
      const creds = credentialsOf(b);
      await roundTrip(kind, b, {
        processorEnv: localize(emittedProcessorEnv(kind, creds), kind, b),
        collectorEnv: localize(emittedCollectorEnv(kind, 51000, creds), kind, b, 51000),
        collectorFirst: true,
      });
    });
  }

  it("the apps refuse a wrong role or a missing variable", async () => {
    const env = { QUEUE_URL: "nats://127.0.0.1:1", QUEUE_TOPIC: "t", STACKMOD_ROLE: "processor" };
    const wrongRole = await run("collector.mjs", env, ["x"]).done;
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toMatch(/expected collector/);
    const noTopic = await run("processor.mjs", { QUEUE_URL: env.QUEUE_URL, STACKMOD_ROLE: "processor" }).done;
    expect(noTopic.code).toBe(1);
    expect(noTopic.stderr).toMatch(/QUEUE_TOPIC/);
    const badScheme = await run("processor.mjs", { ...env, QUEUE_URL: "kafka://x:9092" }).done;
    expect(badScheme.stderr).toMatch(/scheme kafka/);
  });
});

describe("broker lifecycle", () => {
  it.skipIf(!brokerBinary("redis"))("stop() kills the broker and removes its directory", async () => {
    const b = await startBroker("redis");
    const { existsSync } = await import("node:fs");
    expect(existsSync(b.dir)).toBe(true);
    await b.stop();
    expect(existsSync(b.dir)).toBe(false);
    expect(() => process.kill(-b.pid, 0)).toThrow();
    await b.stop(); // idempotent
  });
});
