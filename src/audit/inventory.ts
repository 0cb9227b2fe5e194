import type { EngineClient, EngineVersionInfo } from "./engine/client.js";
import { EngineError } from "./engine/errors.js";
import type { ApiNetwork, ApiService, ApiTask } from "./api-types.js";

export interface AuditNetwork {
  id: string;
  name: string;
  /** `host` for the host network, `null` for none, `overlay`, `bridge`, `macvlan` ... */
  driver: string;
}

interface AuditPort {
  target: number;
  published?: number;
  protocol: string;
  mode: "ingress" | "host";
}

export interface AuditTask {
  id: string;
  slot?: number;
  node?: string;
  state: string;
  desiredState: string;
  error?: string;
  timestamp?: string;
}

/** One service as the engine has it: what the audit judges. */
export interface AuditService {
  id: string;
  name: string;
  /** `com.docker.stack.namespace`: set by `docker stack deploy`. */
  stack?: string;
  image: string;
  /** `replicated 3`, `global`, `replicated-job`, `global-job`. */
  mode: string;
  endpointMode: string;
  networks: AuditNetwork[];
  ports: AuditPort[];
  placement: { constraints: string[]; maxReplicas?: number };
  tasks: AuditTask[];
}

export interface Inventory {
  engine: EngineVersionInfo;
  apiVersion: string;
  services: AuditService[];
}

/** Reads services, networks and tasks (GET only) and joins them: network IDs become names and drivers. */
export async function readInventory(client: EngineClient): Promise<Inventory> {
  const engine = await client.negotiate();
  const services = await list<ApiService>(client, "/services");
  const networks = await list<ApiNetwork>(client, "/networks");
  const tasks = await list<ApiTask>(client, "/tasks");
  const known = new Map<string, AuditNetwork>();
  for (const network of networks) {
    const id = network.Id ?? network.ID;
    if (id) known.set(id, { id, name: network.Name ?? id, driver: network.Driver ?? "unknown" });
  }
  // Swarm's own host and bridge networks are left out of GET /networks (daemon/cluster/networks.go,
  // filterPredefinedNetworks) but answer GET /networks/ID; a task's attachments also name them.
  for (const id of new Set(services.flatMap(attachmentsOf).map((a) => a.Target ?? ""))) {
    if (!id || known.has(id)) continue;
    known.set(id, (await lookUpNetwork(client, id)) ?? fromTasks(tasks, id) ?? { id, name: id, driver: "unknown" });
  }
  return {
    engine,
    apiVersion: client.apiVersion,
    services: services.map((service) => auditService(service, known, tasks)).sort(byStackAndName),
  };
}

async function list<T>(client: EngineClient, path: string): Promise<T[]> {
  const value = await client.get<unknown>(path);
  if (!Array.isArray(value)) throw new EngineError(client.endpoint.url, `GET ${path}: the answer is not a list`);
  return value.filter((item): item is T => typeof item === "object" && item !== null);
}

function attachmentsOf(service: ApiService) {
  const template = service.Spec?.TaskTemplate?.Networks;
  return (template && template.length > 0 ? template : service.Spec?.Networks) ?? [];
}

async function lookUpNetwork(client: EngineClient, id: string): Promise<AuditNetwork | undefined> {
  try {
    const network = await client.get<ApiNetwork>(`/networks/${encodeURIComponent(id)}`);
    return { id, name: network.Name ?? id, driver: network.Driver ?? "unknown" };
  } catch (error) {
    // Removed since the service was made: the tasks may still say what it was.
    if (error instanceof EngineError && / HTTP 404: /.test(error.message)) return undefined;
    throw error;
  }
}

function fromTasks(tasks: ApiTask[], id: string): AuditNetwork | undefined {
  for (const task of tasks)
    for (const attachment of task.NetworksAttachments ?? [])
      if (attachment.Network?.ID === id)
        return {
          id,
          name: attachment.Network.Spec?.Name ?? id,
          driver: attachment.Network.DriverState?.Name ?? "unknown",
        };
  return undefined;
}

function auditService(service: ApiService, networks: Map<string, AuditNetwork>, tasks: ApiTask[]): AuditService {
  const spec = service.Spec ?? {};
  const id = service.ID ?? "";
  const mode = spec.Mode ?? {};
  return {
    id,
    name: spec.Name ?? id,
    ...(spec.Labels?.["com.docker.stack.namespace"] ? { stack: spec.Labels["com.docker.stack.namespace"] } : {}),
    image: spec.TaskTemplate?.ContainerSpec?.Image ?? "",
    mode: mode.Global
      ? "global"
      : mode.ReplicatedJob
        ? "replicated-job"
        : mode.GlobalJob
          ? "global-job"
          : `replicated ${mode.Replicated?.Replicas ?? 1}`,
    endpointMode: spec.EndpointSpec?.Mode ?? "vip",
    networks: attachmentsOf(service).map(
      (a) => networks.get(a.Target ?? "") ?? { id: "", name: "?", driver: "unknown" },
    ),
    ports: (spec.EndpointSpec?.Ports ?? []).map((p) => ({
      target: p.TargetPort ?? 0,
      ...(p.PublishedPort ? { published: p.PublishedPort } : {}),
      protocol: p.Protocol ?? "tcp",
      mode: p.PublishMode === "host" ? "host" : "ingress",
    })),
    placement: {
      constraints: spec.TaskTemplate?.Placement?.Constraints ?? [],
      ...(spec.TaskTemplate?.Placement?.MaxReplicas ? { maxReplicas: spec.TaskTemplate.Placement.MaxReplicas } : {}),
    },
    tasks: tasks.filter((t) => t.ServiceID === id).map(auditTask),
  };
}

function auditTask(task: ApiTask): AuditTask {
  const status = task.Status ?? {};
  return {
    id: task.ID ?? "",
    ...(task.Slot ? { slot: task.Slot } : {}),
    ...(task.NodeID ? { node: task.NodeID } : {}),
    state: status.State ?? "unknown",
    desiredState: task.DesiredState ?? "unknown",
    ...(status.Err ? { error: status.Err } : {}),
    ...(status.Timestamp ? { timestamp: status.Timestamp } : {}),
  };
}

/** Stacks first, by name; then the services of no stack. */
function byStackAndName(a: AuditService, b: AuditService): number {
  if (Boolean(a.stack) !== Boolean(b.stack)) return a.stack ? -1 : 1;
  return (a.stack ?? "").localeCompare(b.stack ?? "") || a.name.localeCompare(b.name);
}
