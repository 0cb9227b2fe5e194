// A private Docker engine (Debian's docker.io dockerd) in a temp dir, as a single-node Swarm, and the run
// machinery the three-node cluster (cluster.ts) shares with it.
// startEngine() installs what is missing, starts dockerd, waits for it and inits the Swarm;
// stopEngine() stops it by PID and puts the machine back as it was (safe to call twice, or after a failure).
// beginRun() / startDockerd() / recordCreated() are the pieces: every dockerd, network namespace, host link and
// iptables rule a run creates is in its state file before it exists, and one teardown removes them all.
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
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
  processesInNetns,
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

/**
 * One run of the suite: the dockerds it started (each with its dirs under `dir`), the network namespaces and
 * host links it created, and the machine as it was before. Saved in `dir/state.json` before anything is
 * created, so that a run killed with SIGKILL is torn down by the next one.
 */
export interface RunState {
  dir: string;
  ownerPid: number;
  before: MachineSnapshot;
  dockerds: { pid: number; dir: string }[];
  /** `ip netns` names, deleted at teardown (after the dockerds in them stopped). */
  netns: string[];
  /** Host links (a bridge, veth ends), deleted at teardown. */
  links: string[];
  /** iptables rules added on the host (`-I` arguments without the chain verb), deleted at teardown. */
  iptablesRules: string[][];
}

const DIR_PREFIX = "stackmod-e2e-";
const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const log = (msg: string) => console.error(`[e2e] ${msg}`);
let current: RunState | undefined;

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

/** A single-node Swarm in the host's own network namespace, advertising 127.0.0.1. */
export async function startEngine(): Promise<Engine> {
  const { state, cli } = await beginRun("");
  try {
    const engine = await startDockerd(state, cli, state.dir);
    await timed(state.dir, "swarm init", () => docker(engine, ["swarm", "init", "--advertise-addr", "127.0.0.1"]));
    log(`engine ${engine.serverVersion} (pid ${engine.pid}) in ${state.dir}; CLI ${cli.version} at ${cli.path}`);
    return engine;
  } catch (e) {
    abortRun(e);
  }
}

/**
 * Start a run: root, stale runs cleaned up, dependencies installed, no other dockerd, the machine snapshotted,
 * a temp dir `stackmod-e2e-<label>*` with the state file. The run is the one stopEngineSync() tears down.
 */
export async function beginRun(label: string): Promise<{ state: RunState; cli: { path: string; version: string } }> {
  if (process.getuid?.() !== 0) throw new Error("the e2e suite needs root (it starts its own dockerd)");
  if (current) throw new Error(`an e2e run is already active in ${current.dir}`);
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
  const dir = mkdtempSync(join(tmpdir(), `${DIR_PREFIX}${label}`));
  current = { dir, ownerPid: process.pid, before, dockerds: [], netns: [], links: [], iptablesRules: [] };
  saveState(current);
  return { state: current, cli };
}

/** Record what the run is about to create (saved first: a run killed right after still gets it removed). */
export function recordCreated(state: RunState, what: Partial<Pick<RunState, "netns" | "links" | "iptablesRules">>) {
  state.netns.push(...(what.netns ?? []));
  state.links.push(...(what.links ?? []));
  state.iptablesRules.push(...(what.iptablesRules ?? []));
  saveState(state);
}

/** Tear the run down after a failed start, and rethrow. */
export function abortRun(e: unknown): never {
  try {
    stopEngineSync();
  } catch (err) {
    log(`teardown after failed start also failed: ${err}`);
  }
  throw e;
}

/**
 * Start a dockerd with its roots in `dir` (under the run's dir) and wait until it answers. `netns` and
 * `hostname`: inside that network namespace (`nsenter --net`: `ip netns exec` remounts /sys, and dockerd then
 * finds no devices cgroup) and a UTS namespace of its own with that host name (its Swarm node name).
 */
export async function startDockerd(
  state: RunState,
  cli: { path: string; version: string },
  dir: string,
  where: { netns: string; hostname: string } | undefined = undefined,
): Promise<Engine> {
  mkdirSync(dir, { recursive: true });
  const dockerHost = `unix://${dir}/docker.sock`;
  writeFileSync(join(dir, "daemon.json"), "{}\n");
  const args = [
    `--host=${dockerHost}`,
    `--data-root=${dir}/data`,
    `--exec-root=${dir}/exec`,
    `--pidfile=${dir}/docker.pid`,
    `--config-file=${dir}/daemon.json`,
    "--shutdown-timeout=2",
  ];
  // nsenter and unshare exec (no fork), and so does sh: the PID spawned is dockerd's
  const [cmd, argv] = where
    ? [
        "nsenter",
        [
          `--net=/run/netns/${where.netns}`,
          "unshare",
          "--uts",
          "sh",
          "-c",
          'hostname "$1" && shift && exec dockerd "$@"',
          "dockerd-in-netns",
          where.hostname,
          ...args,
        ],
      ]
    : ["dockerd", args];
  const logFd = openSync(join(dir, "dockerd.log"), "a");
  const child = spawn(cmd, argv, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, PATH: sbinPath() },
  });
  closeSync(logFd);
  child.unref();
  if (!child.pid) throw new Error(`could not spawn dockerd in ${dir}`);
  const pid = child.pid;
  state.dockerds.push({ pid, dir });
  saveState(state);
  const engine: Engine = { dir, pid, dockerHost, cli: cli.path, clientVersion: cli.version, serverVersion: "" };
  engine.serverVersion = await timed(state.dir, `engine ready${where ? ` (${where.hostname})` : ""}`, () =>
    poll(
      "dockerd to answer",
      60_000,
      async () => {
        if (!pidAlive(pid)) throw new Error(`dockerd exited during start:\n${tail(join(dir, "dockerd.log"))}`);
        const r = await docker(engine, ["version", "--format", "{{.Server.Version}}"], {
          allowFail: true,
          timeoutMs: 5_000,
        });
        return r.code === 0 ? r.stdout.trim() : undefined;
      },
      100,
    ),
  );
  return engine;
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

function teardown(s: RunState): void {
  const problems: string[] = [];
  const step = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (e) {
      problems.push(`${what}: ${e instanceof Error ? e.message : e}`);
    }
  };
  const own = new Set(s.dockerds.map((d) => d.pid));
  step("stop dockerd", () => stopDockerds(s.dockerds));
  step("stop leftover processes", () => {
    // containerd and shims started by our dockerds mention our dir in their command line.
    for (const pid of processesMentioning(s.dir)) {
      for (const d of [...descendants(pid), pid]) killQuietly(d, "SIGKILL");
    }
  });
  step("unmount", () => unmountUnder(s.dir));
  step("remove network namespaces", () => removeNetns(s.netns));
  step("remove links", () => {
    for (const link of s.links) runSync("ip", ["link", "del", link], { allowFail: true });
    const left = s.links.filter((l) => runSync("ip", ["link", "show", l], { allowFail: true }).code === 0);
    if (left.length) throw new Error(`could not remove ${left.join(", ")}`);
  });
  step("remove iptables rules", () => {
    for (const rule of s.iptablesRules) runSync("iptables", ["-D", ...rule], { allowFail: true });
  });
  step("restore machine", () =>
    restoreMachine(
      s.before,
      otherDockerds(-1).every((p) => own.has(p.pid)),
    ),
  );
  step("remove temp dir", () => rmSync(s.dir, { recursive: true, force: true }));
  if (problems.length) throw new Error(`e2e teardown incomplete:\n  ${problems.join("\n  ")}`);
  log(`${s.dockerds.length === 1 ? "engine" : `${s.dockerds.length} engines`} in ${s.dir} stopped and cleaned up`);
}

/** SIGTERM every dockerd at once, wait for them (30 s), SIGKILL what is left with its children. */
function stopDockerds(dockerds: { pid: number; dir: string }[]): void {
  const ours = dockerds.filter((d) => isOurDockerd(d.pid, d.dir));
  for (const d of ours) killQuietly(d.pid, "SIGTERM");
  const deadline = Date.now() + 30_000;
  while (ours.some((d) => pidAlive(d.pid)) && Date.now() < deadline) sleepSync(100);
  for (const d of ours.filter((o) => pidAlive(o.pid))) {
    log(`dockerd ${d.pid} did not stop in 30 s, killing it`);
    for (const p of [...descendants(d.pid), d.pid]) killQuietly(p, "SIGKILL");
  }
  if (ours.some((d) => pidAlive(d.pid))) sleepSync(500);
}

/** `ip netns del` each (its processes are gone by now: the namespace and the veth ends in it go with it). */
function removeNetns(names: string[]): void {
  for (const name of names) {
    for (const pid of processesInNetns(name)) killQuietly(pid, "SIGKILL");
    runSync("ip", ["netns", "del", name], { allowFail: true });
  }
  const left = names.filter((n) => existsSync(`/run/netns/${n}`));
  if (left.length) throw new Error(`could not remove ${left.join(", ")}`);
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

/** What the harness runs itself (the cluster: nsenter and unshare from util-linux, iptables, a bridge with ip). */
const TOOLS = ["dockerd", "busybox", "socat", "ip", "iptables", "nsenter", "unshare", "tar"];

async function ensureInstalled(): Promise<void> {
  const missing = TOOLS.filter((c) => !onPath(c));
  if (missing.length === 0) return;
  log(`installing the e2e dependencies (missing: ${missing.join(", ")}) with .ci/install-e2e.sh`);
  await timed(undefined, "install", () => run("bash", [join(REPO, ".ci", "install-e2e.sh")], { timeoutMs: 600_000 }));
  const still = TOOLS.filter((c) => !onPath(c));
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

function saveState(s: RunState) {
  writeFileSync(join(s.dir, "state.json"), JSON.stringify(s, null, 2));
}

function loadState(dir: string): RunState | undefined {
  let s: Partial<RunState> & { pid?: number };
  try {
    s = JSON.parse(readFileSync(join(dir, "state.json"), "utf8")) as typeof s;
  } catch {
    return undefined;
  }
  if (!s.dir || !s.before || typeof s.ownerPid !== "number") return undefined;
  // a state file written before runs could hold several engines: one dockerd, in `pid`
  const dockerds = s.dockerds ?? (typeof s.pid === "number" ? [{ pid: s.pid, dir: s.dir }] : []);
  return { netns: [], links: [], iptablesRules: [], ...s, dockerds } as RunState;
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
