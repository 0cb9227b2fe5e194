// Real message brokers for tests, from Debian's packages (.ci/install-brokers.sh), started as each kind's
// test/brokers/kinds/KIND/broker.ts says.
// Each one is a private process on a free 127.0.0.1 port with its own temp dir;
// stop() kills it by process group and removes the dir. Nothing is left behind:
// stop() is idempotent, every broker still alive is killed when the process
// exits, and a small watchdog kills it if the test process dies (SIGKILL).
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { randomBytes } from "node:crypto";
import { queueKindNames, queueKinds, type QueueKindName } from "../../src/strategies/split/queues/index.js";
import { setupOf } from "./kinds/index.js";
import type { BrokerPlan } from "./kinds/setup.js";

export type BrokerKind = QueueKindName;
export const BROKER_KINDS: readonly BrokerKind[] = queueKindNames;

export interface Broker {
  kind: BrokerKind;
  host: "127.0.0.1";
  port: number;
  /** URL as the app reads it from QUEUE_URL, with the credentials when the broker requires them. */
  url: string;
  /** Set when the broker requires credentials (`auth`, or a kind whose auth is required); Redis has no user. */
  user?: string;
  password?: string;
  /** PID of the broker's process-group leader. */
  pid: number;
  dir: string;
  /** Milliseconds from spawn until the port accepted a connection. */
  startMs: number;
  /** Broker output so far (stdout + stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Give up (and kill the broker) after this long. Default: the kind's `startTimeoutMs`. */
  timeoutMs?: number;
  /** Require credentials, as a queue with `queue.auth: true` does. */
  auth?: boolean;
}

/** Debian puts daemons in /usr/sbin, which a non-login PATH may lack. */
const SEARCH_PATH = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/lib/rabbitmq/bin"];

export function findBinary(name: string): string | undefined {
  const candidates = name.startsWith("/") ? [name] : SEARCH_PATH.filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** The executable for a kind, or undefined when its package is not installed. */
export function brokerBinary(kind: BrokerKind): string | undefined {
  return findBinary(setupOf(kind).binary);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.setTimeout(1000);
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
    s.once("timeout", () => {
      s.destroy();
      resolve(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- process bookkeeping: every group we start, until it is gone ----------------

interface Owned {
  pgid: number;
  child: ChildProcess;
  watchdog?: ChildProcess;
}
const live = new Set<Owned>();
const liveDirs = new Set<string>();

function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function groupAlive(pgid: number): boolean {
  return killGroup(pgid, 0 as unknown as NodeJS.Signals);
}

process.on("exit", () => {
  for (const o of live) {
    killGroup(o.pgid, "SIGKILL");
    if (o.watchdog?.pid) killGroup(o.watchdog.pid, "SIGKILL");
  }
  for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
});

/** Spawn `cmd` as the leader of a new process group, output to LOGFILE, with a watchdog. */
function spawnOwned(
  cmd: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; logFile: string },
): Owned {
  const fd = openSync(opts.logFile, "a");
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`cannot spawn ${cmd}`);
  child.on("error", () => {}); // reported through the exit/readiness check
  const pgid = child.pid;
  // If this process dies without running its exit handlers (SIGKILL, OOM), kill the group.
  const watchdog = spawn(
    "/bin/sh",
    [
      "-c",
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 -${pgid} 2>/dev/null; rm -rf "$0"`,
      opts.cwd,
    ],
    { detached: true, stdio: "ignore" },
  );
  watchdog.on("error", () => {});
  watchdog.unref();
  child.unref();
  const owned: Owned = { pgid, child, watchdog };
  live.add(owned);
  return owned;
}

async function stopOwned(o: Owned, graceMs: number): Promise<void> {
  if (!live.has(o)) return;
  if (graceMs > 0 && killGroup(o.pgid, "SIGTERM")) {
    const until = Date.now() + graceMs;
    while (groupAlive(o.pgid) && Date.now() < until) await sleep(20);
  }
  killGroup(o.pgid, "SIGKILL");
  // A process whose group is SIGKILLed can take a moment to go (a large beam.smp).
  const until = Date.now() + 5000;
  while (groupAlive(o.pgid) && Date.now() < until) await sleep(20);
  if (o.watchdog?.pid) killGroup(o.watchdog.pid, "SIGKILL");
  live.delete(o);
}

// ---- the brokers -------------------------------------------------------------------

/**
 * Start a broker of KIND on a free loopback port; resolves once the port accepts connections. With `auth`
 * (always for a kind whose auth is required) it requires a user and a random password, as the rewritten queue
 * does with its secrets.
 */
export async function startBroker(kind: BrokerKind, options: StartOptions = {}): Promise<Broker> {
  const setup = setupOf(kind);
  const bin = brokerBinary(kind);
  if (!bin) throw new Error(`${setup.binary} is not installed (run .ci/install-brokers.sh)`);
  const timeoutMs = options.timeoutMs ?? setup.startTimeoutMs;
  const auth = options.auth === true || queueKinds[kind].auth === "required";
  const credentials = auth ? { user: "stackmod", password: randomBytes(12).toString("hex") } : undefined;
  const dir = mkdtempSync(join(tmpdir(), `stackmod-${kind}-`));
  liveDirs.add(dir);
  const owned: Owned[] = [];
  let p: BrokerPlan | undefined;
  const logs = () => (p ? p.procs.map((x) => safeRead(join(dir, x.logName))).join("") : "");
  const stop = async () => {
    for (const o of owned.reverse()) await stopOwned(o, p?.graceMs ?? 0);
    owned.length = 0;
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };
  try {
    const port = await freePort();
    p = await setup.plan({ bin, dir, port, credentials, freePort, findBinary });
    const t0 = performance.now();
    for (const proc of p.procs) {
      owned.push(
        spawnOwned(proc.cmd, proc.args, { cwd: dir, env: proc.env ?? process.env, logFile: join(dir, proc.logName) }),
      );
    }
    const main = owned[owned.length - 1]!;
    let exited: string | undefined;
    main.child.once("exit", (code, sig) => (exited = `exited with ${sig ?? code}`));
    main.child.once("error", (e) => (exited = `failed to start: ${e.message}`));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited) throw new Error(`${kind} ${exited}`);
      if (await canConnect(port)) break;
      if (Date.now() > deadline)
        throw new Error(`${kind} did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms`);
      await sleep(50);
    }
    const startMs = Math.round(performance.now() - t0);
    const broker: Broker = {
      kind,
      host: "127.0.0.1",
      port,
      url: p.url,
      pid: main.pgid,
      dir,
      startMs,
      log: logs,
      stop,
    };
    if (p.user !== undefined) broker.user = p.user;
    if (p.password !== undefined) broker.password = p.password;
    return broker;
  } catch (err) {
    const out = logs().split("\n").slice(-30).join("\n");
    await stop();
    throw new Error(`${(err as Error).message}\n--- ${kind} output ---\n${out}`, { cause: err });
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}
