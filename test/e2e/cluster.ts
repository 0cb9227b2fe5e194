// A three-node Swarm on one machine: Debian's dockerd three times, each in a network namespace of its own
// (and a UTS namespace with its own host name, hence its own Swarm node name), joined by a host bridge with one
// veth per namespace, plus a "device" namespace on the same bridge that plays the plant LAN. The namespaces have
// no default route: nothing leaves the machine, and image pulls fail at once. Started and torn down as one run
// of engine.ts (state file, teardown by PID, also on Ctrl-C and after a killed run).
import { join } from "node:path";
import { abortRun, beginRun, docker, recordCreated, startDockerd, type Engine, type RunState } from "./engine.js";
import { run, poll, type RunOptions, type RunResult } from "./run.js";
import { timed } from "./timing.js";

export interface ClusterNode extends Engine {
  /** Host name, hence Swarm node name (`node.hostname` in constraints). */
  hostname: string;
  role: "manager" | "worker";
  /** Its address on the bridge (the LAN), which it advertises to the Swarm. */
  address: string;
  netns: string;
  nodeId: string;
}

export interface Cluster {
  dir: string;
  manager: ClusterNode;
  /** Manager first. */
  nodes: ClusterNode[];
  /** The plant-side device: a namespace on the same bridge, no engine. */
  device: { netns: string; address: string };
  subnet: string;
  bridge: string;
}

// 198.18.0.0/15 is reserved for benchmarking (RFC 2544): never routed, in no Docker address pool, not on this
// machine (checked at start).
const NET = "198.18.17";
export const CLUSTER_SUBNET = `${NET}.0/24`;
const BRIDGE = "smc-br0";
const NODES = [
  { hostname: "node-a", role: "manager", address: `${NET}.11` },
  { hostname: "node-b", role: "worker", address: `${NET}.12` },
  { hostname: "node-c", role: "worker", address: `${NET}.13` },
] as const;
const DEVICE = { name: "device", address: `${NET}.100` };
const netnsOf = (name: string) => `smc-${name}`;
const hostEnd = (name: string) => `smc-${name.replace(/^node-/, "")}`;

const log = (msg: string) => console.error(`[e2e] ${msg}`);
const ip = (...args: string[]) => run("ip", args);

/** Build the cluster; on any failure everything created so far is torn down and the error rethrown. */
export async function startCluster(): Promise<Cluster> {
  const { state, cli } = await beginRun("cluster-");
  try {
    await timed(state.dir, "cluster: namespaces and bridge", () => createNetwork(state));
    const engines = await Promise.all(
      NODES.map((n) =>
        startDockerd(state, cli, join(state.dir, n.hostname), { netns: netnsOf(n.hostname), hostname: n.hostname }),
      ),
    );
    const nodes = await timed(state.dir, "cluster: swarm init and join", () => formSwarm(engines));
    const cluster: Cluster = {
      dir: state.dir,
      manager: nodes[0]!,
      nodes,
      device: { netns: netnsOf(DEVICE.name), address: DEVICE.address },
      subnet: CLUSTER_SUBNET,
      bridge: BRIDGE,
    };
    log(
      `cluster of ${nodes.length} engines ${engines[0]!.serverVersion} (${nodes
        .map((n) => `${n.hostname} ${n.role} ${n.address} pid ${n.pid}`)
        .join("; ")}) in ${state.dir}; CLI ${cli.version} at ${cli.path}`,
    );
    return cluster;
  } catch (e) {
    abortRun(e);
  }
}

async function createNetwork(state: RunState): Promise<void> {
  const names = [...NODES.map((n) => n.hostname), DEVICE.name];
  const existing = (await ip("netns", "list")).stdout;
  const clash = names.map(netnsOf).filter((ns) => new RegExp(`^${ns}( |$)`, "m").test(existing));
  if (clash.length) throw new Error(`network namespaces ${clash.join(", ")} exist (not from a run of this suite)`);
  const routes = (await ip("-4", "route", "show", "table", "all")).stdout + (await ip("-4", "addr")).stdout;
  if (routes.includes(`${NET}.`)) throw new Error(`${CLUSTER_SUBNET} is already in use on this machine`);
  const forward = ["FORWARD", "-i", BRIDGE, "-o", BRIDGE, "-j", "ACCEPT"];
  recordCreated(state, { netns: names.map(netnsOf), links: [BRIDGE, ...names.map(hostEnd)], iptablesRules: [forward] });
  await ip("link", "add", BRIDGE, "type", "bridge");
  await ip("link", "set", BRIDGE, "up");
  // bridged frames go through the host's iptables here (bridge-nf-call-iptables), whose FORWARD policy is DROP
  // once any dockerd has run on the host
  await run("iptables", ["-I", ...forward]);
  const hosts = [...NODES.map((n) => ({ name: n.hostname, address: n.address })), DEVICE];
  for (const { name, address } of hosts) {
    const ns = netnsOf(name);
    await ip("netns", "add", ns);
    await ip("link", "add", hostEnd(name), "type", "veth", "peer", "name", "eth0", "netns", ns);
    await ip("link", "set", hostEnd(name), "master", BRIDGE, "up");
    await ip("-n", ns, "link", "set", "lo", "up");
    await ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
    await ip("-n", ns, "link", "set", "eth0", "up");
  }
}

async function formSwarm(engines: Engine[]): Promise<ClusterNode[]> {
  const [manager, ...workers] = engines;
  const spec = NODES[0];
  await docker(manager!, ["swarm", "init", "--advertise-addr", spec.address, "--listen-addr", `${spec.address}:2377`]);
  const token = (await docker(manager!, ["swarm", "join-token", "-q", "worker"])).stdout.trim();
  await Promise.all(
    workers.map((w, i) => {
      const address = NODES[i + 1]!.address;
      const join = ["swarm", "join", "--advertise-addr", address, "--listen-addr", `${address}:2377`];
      return docker(w, [...join, "--token", token, `${spec.address}:2377`], { timeoutMs: 60_000 });
    }),
  );
  const ready = await poll("every node to be Ready", 60_000, async () => {
    const r = await docker(manager!, ["node", "ls", "--format", "{{.Hostname}} {{.ID}} {{.Status}}"]);
    const rows = r.stdout.split("\n").filter(Boolean);
    const ok = rows.filter((l) => l.endsWith(" Ready"));
    return ok.length === NODES.length ? new Map(ok.map((l) => [l.split(" ")[0]!, l.split(" ")[1]!])) : undefined;
  });
  return engines.map((engine, i) => {
    const { hostname, role, address } = NODES[i]!;
    return { ...engine, hostname, role, address, netns: netnsOf(hostname), nodeId: ready.get(hostname)! };
  });
}

/** The node with that host name. */
export function nodeNamed(cluster: Cluster, hostname: string): ClusterNode {
  const node = cluster.nodes.find((n) => n.hostname === hostname);
  if (!node) throw new Error(`no node ${hostname} in the cluster (${cluster.nodes.map((n) => n.hostname).join(", ")})`);
  return node;
}

/** Run a command on a node: in its network and UTS namespaces (its addresses, its host name). */
export function onNode(node: ClusterNode, cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run("nsenter", ["-t", String(node.pid), "--net", "--uts", cmd, ...args], opts);
}

/** Run a command on the device (the plant LAN side). */
export function onDevice(cluster: Cluster, cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run("nsenter", [`--net=/run/netns/${cluster.device.netns}`, cmd, ...args], opts);
}

export interface ClusterTask {
  service: string;
  taskId: string;
  node: ClusterNode;
  containerId: string;
  /** The networks the engine attached the container to, sorted. */
  networks: string[];
}

/** The running tasks of a service, each with its node and container; waits until `count` of them run. */
export async function runningTasks(cluster: Cluster, service: string, count = 1): Promise<ClusterTask[]> {
  const list = async (): Promise<ClusterTask[] | undefined> => {
    const ps = await docker(cluster.manager, [
      "service",
      "ps",
      "--no-trunc",
      "--filter",
      "desired-state=running",
      "--format",
      "{{.ID}} {{.Node}} {{.CurrentState}}",
      service,
    ]);
    const rows = ps.stdout
      .split("\n")
      .filter((l) => / Running /.test(l))
      .map((l) => l.split(" "));
    const tasks: ClusterTask[] = [];
    for (const [taskId = "", hostname = ""] of rows) {
      const node = nodeNamed(cluster, hostname);
      const filter = `label=com.docker.swarm.task.id=${taskId}`;
      const id = (await docker(node, ["ps", "-q", "--no-trunc", "--filter", filter])).stdout.trim();
      if (!id) return undefined;
      const fmt = "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}";
      const nets = (await docker(node, ["inspect", "--format", fmt, id])).stdout.trim().split(/\s+/);
      tasks.push({ service, taskId, node, containerId: id, networks: nets.filter(Boolean).sort() });
    }
    return tasks.length === count ? tasks : undefined;
  };
  return poll(`${count} running task(s) of ${service}`, 60_000, list).catch(async (e: Error) => {
    const ps = await docker(cluster.manager, ["service", "ps", "--no-trunc", service], { allowFail: true });
    throw new Error(`${e.message}\n${ps.stdout}${ps.stderr}`, { cause: e });
  });
}

/** The one running task of a service. */
export async function runningTask(cluster: Cluster, service: string): Promise<ClusterTask> {
  return (await runningTasks(cluster, service, 1))[0]!;
}

/** `docker exec` in a running task's container, on its node. */
export function execInTask(
  task: ClusterTask,
  cmd: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const args = ["exec", ...(opts.input !== undefined ? ["-i"] : []), task.containerId, ...cmd];
  return docker(task.node, args, {
    allowFail: true,
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

/** A container's host name (what the test services answer with). */
export async function containerHostname(task: ClusterTask): Promise<string> {
  return (await docker(task.node, ["inspect", "--format", "{{.Config.Hostname}}", task.containerId])).stdout.trim();
}

/** Add node labels (`docker node update --label-add`), e.g. `{ "node-b": ["edge=true"] }`. */
export async function labelNodes(cluster: Cluster, labels: Record<string, string[]>): Promise<void> {
  for (const [hostname, list] of Object.entries(labels)) {
    const node = nodeNamed(cluster, hostname);
    await docker(cluster.manager, ["node", "update", ...list.flatMap((l) => ["--label-add", l]), node.nodeId]);
  }
}

/** Remove node labels added by labelNodes (by key). */
export async function unlabelNodes(cluster: Cluster, labels: Record<string, string[]>): Promise<void> {
  for (const [hostname, list] of Object.entries(labels)) {
    const node = nodeNamed(cluster, hostname);
    const keys = list.map((l) => l.split("=")[0]!);
    await docker(cluster.manager, ["node", "update", ...keys.flatMap((k) => ["--label-rm", k]), node.nodeId], {
      allowFail: true,
    });
  }
}
