// Stacks on the test engine: deploy, wait, read the engine's task errors, exec into tasks, remove.
import { docker, type Engine } from "./engine.js";
import { poll, type RunResult } from "./run.js";

export async function deployStack(engine: Engine, file: string | string[], stack: string): Promise<RunResult> {
  const files = (Array.isArray(file) ? file : [file]).flatMap((f) => ["-c", f]);
  return docker(engine, ["stack", "deploy", "--resolve-image", "never", "--detach=true", ...files, stack]);
}

export interface ServiceState {
  name: string;
  running: number;
  desired: number;
}

export async function stackServices(engine: Engine, stack: string): Promise<ServiceState[]> {
  const r = await docker(engine, ["stack", "services", stack, "--format", "{{.Name}} {{.Replicas}}"]);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [name = "", replicas = ""] = line.split(" ");
      const [running = "0", desired = "0"] = replicas.split("/");
      return { name, running: parseInt(running, 10), desired: parseInt(desired, 10) };
    });
}

/** Wait until every service of the stack runs all its replicas; on timeout, throw with the engine's task errors. */
export async function waitConverged(engine: Engine, stack: string, timeoutMs = 60_000): Promise<ServiceState[]> {
  try {
    return await poll(`stack ${stack} to converge`, timeoutMs, async () => {
      const services = await stackServices(engine, stack);
      const done = services.length > 0 && services.every((s) => s.desired > 0 && s.running === s.desired);
      return done ? services : undefined;
    });
  } catch (e) {
    const errors = await taskErrors(engine, stack).catch(() => []);
    const services = await stackServices(engine, stack).catch(() => []);
    const taskLines = errors.map((t) => `  ${t.task}: ${t.error}`).join("\n");
    throw new Error(`${(e as Error).message}\nservices: ${JSON.stringify(services)}\ntask errors:\n${taskLines}`, {
      cause: e,
    });
  }
}

export interface TaskError {
  service: string;
  task: string;
  /** The node the task was assigned to (its host name). */
  node: string;
  state: string;
  error: string;
}

/** The non-empty ERROR column of `docker service ps --no-trunc` for every service of the stack. */
export async function taskErrors(engine: Engine, stack: string): Promise<TaskError[]> {
  const out: TaskError[] = [];
  for (const { name } of await stackServices(engine, stack)) {
    const r = await docker(engine, [
      "service",
      "ps",
      "--no-trunc",
      "--format",
      "{{.Name}}\t{{.Node}}\t{{.CurrentState}}\t{{.Error}}",
      name,
    ]);
    for (const line of r.stdout.split("\n").filter(Boolean)) {
      const [task = "", node = "", state = "", error = ""] = line.split("\t");
      if (error.trim()) out.push({ service: name, task, node, state, error: error.trim() });
    }
  }
  return out;
}

/** Wait until some task of the stack fails with an error matching `pattern`. */
export async function waitForTaskError(
  engine: Engine,
  stack: string,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<TaskError> {
  return poll(`a task of ${stack} to fail with ${pattern}`, timeoutMs, async () =>
    (await taskErrors(engine, stack)).find((t) => pattern.test(t.error)),
  );
}

/**
 * Run a command in the (first) running container of a service, e.g. `execInService(e, "s_client", ["sh", "-c",
 * "..."])`.
 */
export async function execInService(
  engine: Engine,
  service: string,
  cmd: string[],
  opts: { input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const ps = await docker(engine, ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${service}`]);
  const id = ps.stdout.split("\n").find(Boolean);
  if (!id) throw new Error(`no running container for service ${service}`);
  const args = ["exec", ...(opts.input !== undefined ? ["-i"] : []), id, ...cmd];
  return docker(engine, args, {
    allowFail: true,
    timeoutMs: opts.timeoutMs ?? 30_000,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
}

/**
 * `docker stack rm`, then wait until its containers and networks are gone. `stack rm` asks for each network's
 * removal once, right after its services': a network whose last task was still stopping then ("has active
 * endpoints") is left behind for good, so one left once the containers are gone is removed again here.
 */
export async function removeStack(engine: Engine, stack: string, timeoutMs = 60_000): Promise<void> {
  await docker(engine, ["stack", "rm", stack], { allowFail: true });
  const label = `label=com.docker.stack.namespace=${stack}`;
  await poll(`stack ${stack} to be removed`, timeoutMs, async () => {
    const c = await docker(engine, ["ps", "-aq", "--filter", label]);
    const n = await docker(engine, ["network", "ls", "-q", "--filter", label]);
    const networks = n.stdout.trim().split(/\s+/).filter(Boolean);
    if (c.stdout.trim() === "" && networks.length > 0)
      await docker(engine, ["network", "rm", ...networks], { allowFail: true });
    return c.stdout.trim() === "" && networks.length === 0 ? true : undefined;
  });
}
