// A private Docker engine (Debian's docker.io dockerd) in a temp dir, as a single-node Swarm.
// startEngine() installs what is missing, starts dockerd, waits for it and inits the Swarm;
// stopEngine() stops it by PID and puts the machine back as it was (safe to call twice, or after a failure).
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { run, runSync, poll, sleepSync, type RunOptions } from "./run.js";
import {
  snapshotMachine,
  restoreMachine,
  otherDockerds,
  pidAlive,
  processesMentioning,
  descendants,
  type MachineSnapshot,
} from "./machine.js";
import { timed } from "./timing.js";

/** What a test needs to talk to the engine; serialisable (passed from global setup to the tests). */
export interface Engine {
  dir: string;
  pid: number;
  dockerHost: string;
  /** The docker CLI used (the newest one on PATH, e.g. CLI 28 in /usr/local/bin). */
  cli: string;
  clientVersion: string;
  serverVersion: string;
}

interface State extends Engine {
  ownerPid: number;
  before: MachineSnapshot;
}

const DIR_PREFIX = "stackmod-e2e-";
const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const log = (msg: string) => console.error(`[e2e] ${msg}`);
let current: State | undefined;

/** The environment every docker command runs with: only DOCKER_HOST points at the engine. */
export function dockerEnv(engine: Pick<Engine, "dockerHost">): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: engine.dockerHost };
  for (const k of ["DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION"]) delete env[k];
  return env;
}

/** Run the docker CLI against the engine. */
export function docker(engine: Pick<Engine, "dockerHost" | "cli">, args: string[], opts: RunOptions = {}) {
  return run(engine.cli, args, { ...opts, env: dockerEnv(engine) });
}

export async function startEngine(): Promise<Engine> {
  if (process.getuid?.() !== 0) throw new Error("the e2e suite needs root (it starts its own dockerd)");
  await cleanupStale();
  await ensureInstalled();
  const others = otherDockerds(-1);
  if (others.length > 0) {
    throw new Error(
      `another dockerd is running (${others.map((p) => `pid ${p.pid}: ${p.cmdline}`).join("; ")}); ` +
        "it would share docker0/docker_gwbridge and iptables with the test engine. Stop it first.",
    );
  }
  const cli = await pickCli();
  const before = await snapshotMachine();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  const dockerHost = `unix://${dir}/docker.sock`;
  writeFileSync(join(dir, "daemon.json"), "{}\n");
  const logFd = openSync(join(dir, "dockerd.log"), "a");
  const child = spawn(
    "dockerd",
    [
      `--host=${dockerHost}`,
      `--data-root=${dir}/data`,
      `--exec-root=${dir}/exec`,
      `--pidfile=${dir}/docker.pid`,
      `--config-file=${dir}/daemon.json`,
      "--shutdown-timeout=2",
    ],
    { detached: true, stdio: ["ignore", logFd, logFd], env: { ...process.env, PATH: sbinPath() } },
  );
  closeSync(logFd);
  child.unref();
  if (!child.pid) throw new Error("could not spawn dockerd");
  current = {
    dir,
    pid: child.pid,
    dockerHost,
    cli: cli.path,
    clientVersion: cli.version,
    serverVersion: "",
    ownerPid: process.pid,
    before,
  };
  saveState(current);
  try {
    current.serverVersion = await timed(dir, "engine ready", () =>
      poll(
        "dockerd to answer",
        30_000,
        async () => {
          if (!pidAlive(child.pid!)) throw new Error(`dockerd exited during start:\n${tail(join(dir, "dockerd.log"))}`);
          const r = await docker(current!, ["version", "--format", "{{.Server.Version}}"], {
            allowFail: true,
            timeoutMs: 5_000,
          });
          return r.code === 0 ? r.stdout.trim() : undefined;
        },
        100,
      ),
    );
    saveState(current);
    await timed(dir, "swarm init", () => docker(current!, ["swarm", "init", "--advertise-addr", "127.0.0.1"]));
    log(`engine ${current.serverVersion} (pid ${current.pid}) in ${dir}; CLI ${cli.version} at ${cli.path}`);
    return publicPart(current);
  } catch (e) {
    try {
      stopEngineSync();
    } catch (err) {
      log(`teardown after failed start also failed: ${err}`);
    }
    throw e;
  }
}

/** Stop the engine started by startEngine() (or the one described by `engine`). Idempotent. */
export async function stopEngine(engine?: Engine): Promise<void> {
  stopEngineSync(engine);
}

/**
 * The same, synchronously: for process 'exit' and signal handlers (vitest skips global teardown on Ctrl-C).
 * A run killed with SIGKILL is cleaned up by the next startEngine() (stale state file).
 */
export function stopEngineSync(engine?: Engine): void {
  const state = engine ? (loadState(engine.dir) ?? current) : current;
  if (!state) return;
  if (current?.dir === state.dir) current = undefined;
  teardown(state);
}

function teardown(s: State): void {
  const problems: string[] = [];
  const step = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push(`${what}: ${e instanceof Error ? e.message : e}`);
    }
  };
  step("stop dockerd", () => stopPid(s.pid, s.dir));
  step("stop leftover processes", () => {
    // containerd and shims started by our dockerd mention our dir in their command line.
    for (const pid of processesMentioning(s.dir)) {
      for (const d of [...descendants(pid), pid]) killQuietly(d, "SIGKILL");
    }
  });
  step("unmount", () => unmountUnder(s.dir));
  step("restore machine", () => restoreMachine(s.before, otherDockerds(s.pid).length === 0));
  step("remove temp dir", () => rmSync(s.dir, { recursive: true, force: true }));
  if (problems.length) throw new Error(`e2e teardown incomplete:\n  ${problems.join("\n  ")}`);
  log(`engine in ${s.dir} stopped and cleaned up`);
}

function stopPid(pid: number, dir: string): void {
  if (!isOurDockerd(pid, dir)) return;
  killQuietly(pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (pidAlive(pid) && Date.now() < deadline) sleepSync(100);
  if (pidAlive(pid)) {
    log(`dockerd ${pid} did not stop in 30 s, killing it`);
    for (const d of [...descendants(pid), pid]) killQuietly(d, "SIGKILL");
    sleepSync(500);
  }
}

function isOurDockerd(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`--exec-root=${dir}/exec`);
  } catch {
    return false;
  }
}

function killQuietly(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Unmount everything mounted under dir (dockerd's netns mounts, the data-root bind mount), deepest first. */
function unmountUnder(dir: string): void {
  const points = readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((l) => l.split(" ")[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) {
    const r = runSync("umount", [p], { allowFail: true });
    if (r.code !== 0) runSync("umount", ["-l", p]);
  }
}

/** A previous run that died without teardown leaves a state file: clean up after it. */
async function cleanupStale(): Promise<void> {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const s = loadState(join(tmpdir(), name));
    if (!s || pidAlive(s.ownerPid)) continue;
    log(`cleaning up a stale e2e engine from an earlier run in ${s.dir}`);
    teardown(s);
  }
}

async function ensureInstalled(): Promise<void> {
  const missing = ["dockerd", "busybox", "socat", "ip"].filter((c) => !onPath(c));
  if (missing.length === 0) return;
  log(`installing the e2e dependencies (missing: ${missing.join(", ")}) with .ci/install-e2e.sh`);
  await timed(undefined, "install", () => run("bash", [join(REPO, ".ci", "install-e2e.sh")], { timeoutMs: 600_000 }));
  const still = ["dockerd", "busybox", "socat", "ip"].filter((c) => !onPath(c));
  if (still.length) throw new Error(`still missing after install: ${still.join(", ")}`);
}

/** The newest docker CLI on PATH (docker.io puts a 20.10 CLI in /usr/bin; a CLI 28 in /usr/local/bin must win). */
async function pickCli(): Promise<{ path: string; version: string }> {
  const wanted = process.env.STACKMOD_DOCKER_CLI;
  const candidates = wanted
    ? [wanted]
    : pathDirs()
        .map((d) => join(d, "docker"))
        .filter((p) => existsSync(p));
  let best: { path: string; version: string } | undefined;
  for (const path of new Set(candidates)) {
    const r = await run(path, ["version", "--format", "{{.Client.Version}}"], {
      allowFail: true,
      env: { ...process.env, DOCKER_HOST: "unix:///nonexistent" },
    });
    const version = r.stdout.trim().split("\n")[0] ?? "";
    if (!version) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { path, version };
  }
  if (!best) throw new Error("no docker CLI found on PATH");
  return best;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+~-]/).map((x) => parseInt(x, 10) || 0);
  const pb = b.split(/[.+~-]/).map((x) => parseInt(x, 10) || 0);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

const pathDirs = () => sbinPath().split(":").filter(Boolean);
const sbinPath = () => [...(process.env.PATH ?? "").split(":"), "/usr/local/sbin", "/usr/sbin", "/sbin"].join(":");
const onPath = (cmd: string) => pathDirs().some((d) => existsSync(join(d, cmd)));

function saveState(s: State) {
  writeFileSync(join(s.dir, "state.json"), JSON.stringify(s, null, 2));
}

function loadState(dir: string): State | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as State;
  } catch {
    return undefined;
  }
}

function publicPart(s: State): Engine {
  const { dir, pid, dockerHost, cli, clientVersion, serverVersion } = s;
  return { dir, pid, dockerHost, cli, clientVersion, serverVersion };
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
