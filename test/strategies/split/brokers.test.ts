// The split strategy end to end against real brokers: rewrite a fixture, read the
// collector's and the processor's environment from the rewritten YAML, point it at
// a broker on loopback (the queue's service name -> 127.0.0.1, its port -> the test
// broker's port, /run/secrets/NAME -> a test file), and pass a message from
// test/brokers/app/collector.mjs to processor.mjs with exactly that environment.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { rewrite } from "../../../src/index.js";
import { queueKindNames, queueKinds } from "../../../src/strategies/split/queues/index.js";
import { startBroker, type Broker, type BrokerKind } from "../../brokers/brokers.js";
import { splitFixtureDir, splitFixtures } from "./queue-fixtures.js";
import { testDir } from "../../helpers/paths.js";

const FIXTURES = splitFixtureDir;
const APP = join(testDir, "brokers", "app");

type Env = Record<string, string>;

/** Each kind's two fixture pairs, whose rewrite uses that kind (queues.test.ts fails while one is missing). */
const cases = queueKindNames.flatMap((kind) => splitFixtures(kind).map((fixture) => ({ fixture, kind })));

/** The variables the halves read, by the name the app in test/brokers/app reads them. */
const standardNames = {
  url: "QUEUE_URL",
  topic: "QUEUE_TOPIC",
  role: "STACKMOD_ROLE",
  userFile: "QUEUE_USER_FILE",
  passwordFile: "QUEUE_PASSWORD_FILE",
};
type EnvNames = typeof standardNames;

/**
 * The rewrite of a fixture's input with its options, as the CLI would print it, and the names its halves' variables
 * have (`queue.env` renames them: the application then reads those, as the app here reads the standard ones).
 */
function rewritten(fixture: string): { services: Record<string, Record<string, unknown>>; names: EnvNames } {
  const read = (suffix: string) => readFileSync(join(FIXTURES, fixture + suffix), "utf8");
  let options: { queue?: { env?: Partial<EnvNames> } } = {};
  try {
    options = JSON.parse(read(".options.json")) as typeof options;
  } catch {
    // the fixture carries its options in its own x-stackmod blocks
  }
  const output = rewrite(read(".input.yml"), { file: `${fixture}.yml`, options }).output;
  const { services } = parse(output, { merge: true }) as { services: Record<string, Record<string, unknown>> };
  return { services, names: { ...standardNames, ...options.queue?.env } };
}

function environmentOf(service: Record<string, unknown>): Env {
  const value = service.environment;
  if (Array.isArray(value)) return Object.fromEntries(value.map((item) => String(item).split(/=(.*)/s).slice(0, 2)));
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/** The environment of the one service whose role variable is `role`, under the standard names. */
function environmentWithRole(
  services: Record<string, Record<string, unknown>>,
  names: EnvNames,
  role: string,
  fixture: string,
): Env {
  const found = Object.values(services)
    .map(environmentOf)
    .filter((env) => env[names.role] === role);
  expect(found.length, `${fixture}: services with ${names.role}=${role}`).toBe(1);
  const renamed: Env = {};
  for (const [key, value] of Object.entries(found[0]!)) {
    const standard = Object.entries(names).find(([, name]) => name === key)?.[0] as keyof EnvNames | undefined;
    renamed[standard ? standardNames[standard] : key] = value;
  }
  return renamed;
}

/** The queue's published and target port, from whichever syntax the rewrite used. */
function queuePorts(queue: Record<string, unknown>): { published: number; target: number } {
  const port = (queue.ports as unknown[])[0]!;
  if (typeof port === "object") return port as { published: number; target: number };
  const [target, published] = String(port).split(":").reverse().map(Number);
  return { published: published!, target: target! };
}

// ---- brokers, started once per kind and per auth, each test awaits its own ----

const brokers = new Map<string, Promise<Broker>>();
function broker(kind: BrokerKind, auth: boolean): Promise<Broker> {
  const key = `${kind} ${auth}`;
  let started = brokers.get(key);
  if (!started) {
    started = startBroker(kind, { auth });
    brokers.set(key, started);
  }
  return started;
}
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
    const content = secret.endsWith("-user") ? b.user : b.password;
    expect(content, `${b.kind}: the broker has what ${name} names`).toBeDefined();
    writeFileSync(join(secrets, secret), `${content}\n`);
    out[name] = join(secrets, secret);
  }
  return out;
}

describe("split: the rewritten environment carries a message through a real broker", () => {
  for (const { fixture, kind } of cases) {
    it(`${fixture}: collector -> ${kind} -> processor`, async () => {
      const { services, names } = rewritten(fixture);
      const collectorEnv = environmentWithRole(services, names, "collector", fixture);
      const processorEnv = environmentWithRole(services, names, "processor", fixture);
      const queueName = new URL(processorEnv.QUEUE_URL!).hostname;
      const ports = queuePorts(services[queueName]!);
      expect(services[queueName]!.image, `${fixture}: the queue runs ${kind}`).toBe(queueKinds[kind].image);

      const b = await broker(kind, processorEnv.QUEUE_PASSWORD_FILE !== undefined);
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
