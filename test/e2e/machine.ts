// What dockerd changes on the host outside its own dirs, and how to put it back:
// network links (docker0, docker_gwbridge, veths), iptables filter/nat, ip_forward, a few fixed paths.
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { run, runSync } from "./run.js";

export interface MachineSnapshot {
  links: string[];
  ipForward: string | null;
  /** `iptables-save` output, or null when iptables is not installed. */
  iptables: string | null;
  /** Fixed paths dockerd/containerd create whatever --data-root/--exec-root say, and whether they existed. */
  paths: Record<string, boolean>;
}

// libnetwork writes load-balancer sandbox files under /var/lib/docker/network even with --data-root;
// containerd shims put sockets in /run/containerd/s; dockerd writes /etc/docker/key.json and /run/docker/plugins.
const FIXED_PATHS = ["/var/lib/docker", "/run/docker", "/run/containerd", "/etc/docker/key.json"];
const DOCKER_LINK = /^(docker0|docker_gwbridge|veth[0-9a-f]+|br-[0-9a-f]{12}|vx-.*)$/;

export async function snapshotMachine(): Promise<MachineSnapshot> {
  const saved = await run("iptables-save", [], { allowFail: true });
  return {
    links: links(),
    ipForward: readOr("/proc/sys/net/ipv4/ip_forward"),
    iptables: saved.code === 0 ? saved.stdout : null,
    paths: Object.fromEntries(FIXED_PATHS.map((p) => [p, existsSync(p)])),
  };
}

/** Undo what dockerd did. `alone`: no other dockerd runs, so shared state (iptables, /run paths) is ours to reset. */
// Synchronous: it also runs from an 'exit' handler when the test run is interrupted.
export function restoreMachine(before: MachineSnapshot, alone: boolean): void {
  for (const name of links()) {
    if (!before.links.includes(name) && DOCKER_LINK.test(name))
      runSync("ip", ["link", "del", name], { allowFail: true });
  }
  const left = links().filter((n) => !before.links.includes(n) && DOCKER_LINK.test(n));
  if (left.length) throw new Error(`could not remove links: ${left.join(", ")}`);
  if (!alone) return;
  if (before.iptables !== null) {
    for (const table of ["filter", "nat"]) {
      runSync("iptables", ["-t", table, "-F"], { allowFail: true });
      runSync("iptables", ["-t", table, "-X"], { allowFail: true });
    }
    runSync("iptables", ["-P", "FORWARD", "ACCEPT"], { allowFail: true });
    if (before.iptables.trim()) runSync("iptables-restore", [], { input: before.iptables });
  }
  if (before.ipForward !== null && readOr("/proc/sys/net/ipv4/ip_forward") !== before.ipForward) {
    writeFileSync("/proc/sys/net/ipv4/ip_forward", before.ipForward);
  }
  for (const [p, existed] of Object.entries(before.paths)) if (!existed) rmSync(p, { recursive: true, force: true });
}

function links(): string[] {
  const r = runSync("ip", ["-o", "link", "show"]);
  return r.stdout
    .split("\n")
    .map((l) => l.split(": ")[1]?.split("@")[0])
    .filter((n): n is string => !!n);
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return null;
  }
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0): treat it as gone
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string;
  zombie: boolean;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const [state, ppidText] = stat.slice(close + 2).split(" ");
      const ppid = parseInt(ppidText ?? "0", 10);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ").trim();
      out.push({ pid: Number(name), ppid, comm, cmdline, zombie: state === "Z" });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** dockerd processes other than `except` (e.g. a system engine, or another run of this suite). */
export function otherDockerds(except: number): { pid: number; cmdline: string }[] {
  return processes()
    .filter((p) => p.comm === "dockerd" && !p.zombie && p.pid !== except && p.pid !== process.pid)
    .map(({ pid, cmdline }) => ({ pid, cmdline }));
}

/** Processes whose command line mentions `text` (containerd and shims started by our dockerd mention its dir). */
export function processesMentioning(text: string): number[] {
  return processes()
    .filter((p) => p.cmdline.includes(text) && p.pid !== process.pid)
    .map((p) => p.pid);
}

export function descendants(pid: number): number[] {
  const all = processes();
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of all) {
      if (c.ppid !== p) continue;
      found.push(c.pid);
      walk(c.pid);
    }
  };
  walk(pid);
  return found;
}

/** Processes in the network namespace `ip netns add NAME` made (same nsfs inode as /run/netns/NAME). */
export function processesInNetns(name: string): number[] {
  let inode: number;
  try {
    inode = statSync(`/run/netns/${name}`).ino;
  } catch {
    return [];
  }
  return processes()
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p.pid}/ns/net`) === `net:[${inode}]` && p.pid !== process.pid;
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}
