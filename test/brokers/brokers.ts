// Real message brokers for tests, from Debian's packages (.ci/install-brokers.sh).
// Each one is a private process on a free 127.0.0.1 port with its own temp dir;
// stop() kills it by process group and removes the dir. Nothing is left behind:
// stop() is idempotent, every broker still alive is killed when the process
// exits, and a small watchdog kills it if the test process dies (SIGKILL).
import { spawn, type ChildProcess } from "node:child_process";
import {
  accessSync,
  constants,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { randomBytes } from "node:crypto";
import { queueKindNames, type QueueKindName } from "../../src/strategies/split/queues/index.js";

export type BrokerKind = QueueKindName;
export const BROKER_KINDS: readonly BrokerKind[] = queueKindNames;

export interface Broker {
  kind: BrokerKind;
  host: "127.0.0.1";
  port: number;
  /** URL as the app reads it from QUEUE_URL; for rabbitmq it carries the user and password. */
  url: string;
  /** Set for rabbitmq (the default `guest` only works from localhost, like in a container). */
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
  /** Give up (and kill the broker) after this long. Default 30 s, 60 s for rabbitmq. */
  timeoutMs?: number;
}

/** Debian puts daemons in /usr/sbin, which a non-login PATH may lack. */
const SEARCH_PATH = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/bin", "/usr/lib/rabbitmq/bin"];
/** The broker program per kind, from its Debian package (`debianPackage` in the kind's file). */
export const BROKER_BINARIES: Record<BrokerKind, string> = {
  nats: "nats-server",
  redis: "redis-server",
  mqtt: "mosquitto",
  // Not /usr/sbin/rabbitmq-server: that wrapper switches to the rabbitmq user and
  // the system node's cookie and dirs.
  rabbitmq: "/usr/lib/rabbitmq/bin/rabbitmq-server",
};

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
  return findBinary(BROKER_BINARIES[kind]);
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

interface Plan {
  procs: Array<{ cmd: string; args: string[]; env?: NodeJS.ProcessEnv; logName: string }>;
  port: number;
  url: string;
  user?: string;
  password?: string;
  /** SIGTERM grace before SIGKILL. */
  graceMs: number;
}

async function plan(kind: BrokerKind, bin: string, dir: string): Promise<Plan> {
  const port = await freePort();
  switch (kind) {
    case "nats":
      return {
        procs: [
          {
            cmd: bin,
            args: ["-a", "127.0.0.1", "-p", String(port), "-n", `stackmod-test-${port}`],
            logName: "nats.log",
          },
        ],
        port,
        url: `nats://127.0.0.1:${port}`,
        graceMs: 2000,
      };
    case "redis":
      return {
        procs: [
          {
            cmd: bin,
            args: [
              "--bind",
              "127.0.0.1",
              "--port",
              String(port),
              "--save",
              "",
              "--appendonly",
              "no",
              "--dir",
              dir,
              "--daemonize",
              "no",
              "--logfile",
              "",
            ],
            logName: "redis.log",
          },
        ],
        port,
        url: `redis://127.0.0.1:${port}`,
        graceMs: 2000,
      };
    case "mqtt": {
      const conf = join(dir, "mosquitto.conf");
      // mosquitto 2.x listens on loopback only and refuses anonymous clients unless
      // told otherwise; `user root` stops it from switching to the mosquitto user.
      writeFileSync(
        conf,
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence false",
          "log_dest stderr",
          "user root",
          "",
        ].join("\n"),
      );
      return {
        procs: [{ cmd: bin, args: ["-c", conf], logName: "mosquitto.log" }],
        port,
        url: `mqtt://127.0.0.1:${port}`,
        graceMs: 2000,
      };
    }
    case "rabbitmq": {
      const [distPort, epmdPort] = [await freePort(), await freePort()];
      const home = join(dir, "home");
      for (const d of [home, join(dir, "mnesia"), join(dir, "log")]) mkdirSync(d, { recursive: true });
      // A distinct Erlang cookie, so this node can never talk to the system's.
      writeFileSync(join(home, ".erlang.cookie"), randomBytes(20).toString("hex"), { mode: 0o400 });
      writeFileSync(join(dir, "enabled_plugins"), "[].\n");
      writeFileSync(join(dir, "rabbitmq-env.conf"), "");
      const user = "stackmod";
      const password = randomBytes(12).toString("hex");
      // Classic Erlang-term config: no cuttlefish schema translation at boot.
      // default_user/default_pass create the user on first boot (no rabbitmqctl,
      // which costs a second VM start); loopback_users [] lets it in from anywhere.
      writeFileSync(
        join(dir, "rabbitmq.config"),
        `[{rabbit, [{tcp_listeners, [{"127.0.0.1", ${port}}]}, {default_user, <<"${user}">>}, {default_pass, <<"${password}">>},` +
          ` {loopback_users, []}, {log, [{console, [{enabled, true}, {level, warning}]}, {file, [{file, false}]}]}]}].\n`,
      );
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HOME: home,
        ERL_EPMD_PORT: String(epmdPort), // a private epmd, see below
        RABBITMQ_NODENAME: `stackmod-${port}@localhost`,
        RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
        RABBITMQ_NODE_PORT: String(port),
        RABBITMQ_DIST_PORT: String(distPort),
        RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
        RABBITMQ_LOG_BASE: join(dir, "log"),
        RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.config"),
        RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
        RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
        RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
        RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
      };
      const plugins = rabbitPluginsDir(dir);
      if (plugins) env.RABBITMQ_PLUGINS_DIR = plugins;
      const epmd = findBinary("epmd") ?? "/usr/lib/erlang/bin/epmd";
      return {
        procs: [
          // Erlang starts `epmd -daemon` on 4369 by itself and leaves it running after
          // the node is gone. Start our own on a private port, as a child we can kill.
          {
            cmd: epmd,
            args: ["-port", String(epmdPort), "-address", "127.0.0.1"],
            env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) },
            logName: "epmd.log",
          },
          { cmd: bin, args: [], env, logName: "rabbitmq.log" },
        ],
        port,
        url: `amqp://${user}:${password}@127.0.0.1:${port}`,
        user,
        password,
        graceMs: 0, // SIGTERM makes the wrapper run `rabbitmqctl stop` (a second VM): just kill it
      };
    }
  }
}

/**
 * RabbitMQ loads every plugin directory on its code path and scans all their
 * modules at boot. A directory with only the core applications (symlinks) saves
 * about a second of a ~5 s start. Falls back to the package's own directory.
 */
function rabbitPluginsDir(dir: string): string | undefined {
  try {
    const base = "/usr/lib/rabbitmq/lib";
    const server = readdirSync(base)
      .filter((n) => n.startsWith("rabbitmq_server-"))
      .sort()
      .pop();
    if (!server) return undefined;
    const src = join(base, server, "plugins");
    const dst = join(dir, "plugins");
    mkdirSync(dst);
    const skip =
      /^(rabbitmq_(?!prelaunch)|amqp_client|amqp10_client|cowboy|cowlib|gun|jose|eetcd|prometheus|base64url|accept|README)/;
    for (const n of readdirSync(src)) if (!skip.test(n)) symlinkSync(join(src, n), join(dst, n));
    return dst;
  } catch {
    return undefined;
  }
}

/** Start a broker of KIND on a free loopback port; resolves once the port accepts connections. */
export async function startBroker(kind: BrokerKind, options: StartOptions = {}): Promise<Broker> {
  const bin = brokerBinary(kind);
  if (!bin) throw new Error(`${BROKER_BINARIES[kind]} is not installed (run .ci/install-brokers.sh)`);
  const timeoutMs = options.timeoutMs ?? (kind === "rabbitmq" ? 60_000 : 30_000);
  const dir = mkdtempSync(join(tmpdir(), `stackmod-${kind}-`));
  liveDirs.add(dir);
  const owned: Owned[] = [];
  let p: Plan | undefined;
  const logs = () => (p ? p.procs.map((x) => safeRead(join(dir, x.logName))).join("") : "");
  const stop = async () => {
    for (const o of owned.reverse()) await stopOwned(o, p?.graceMs ?? 0);
    owned.length = 0;
    rmSync(dir, { recursive: true, force: true });
    liveDirs.delete(dir);
  };
  try {
    p = await plan(kind, bin, dir);
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
      if (await canConnect(p.port)) break;
      if (Date.now() > deadline)
        throw new Error(`${kind} did not accept connections on 127.0.0.1:${p.port} within ${timeoutMs} ms`);
      await sleep(kind === "rabbitmq" ? 100 : 20);
    }
    const startMs = Math.round(performance.now() - t0);
    const broker: Broker = {
      kind,
      host: "127.0.0.1",
      port: p.port,
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
