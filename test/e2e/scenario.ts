// What the rewrite scenarios share: the real CLI's output written to a file, stacks removed quickly, task facts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { stackmod } from "./cli.js";
import { docker, type Engine } from "./engine.js";
import { poll } from "./run.js";

/** `stackmod rewrite --stdout ...` on `input`; the output must be a changed file, written to a temp file. */
export async function rewriteToFile(
  engine: Engine,
  input: string,
  flags: string[],
): Promise<{ file: string; text: string; report: string }> {
  const r = await stackmod(["rewrite", "--stdout", ...flags, input]);
  if (r.code !== 0) throw new Error(`stackmod rewrite ${flags.join(" ")} exited ${r.code}:\n${r.stderr}`);
  expect(r.stdout).not.toBe("");
  const file = join(mkdtempSync(join(engine.dir, "rewritten-")), "stack.yml");
  writeFileSync(file, r.stdout);
  return { file, text: r.stdout, report: r.stderr };
}

/**
 * `docker stack rm`, SIGKILL what still runs (on every node given), and wait until none of the stack's
 * containers runs (its host ports are free again). Swarm reaps the stopped containers and the stack's networks a few
 * seconds later, in the
 * background; the engine is thrown away at the end of the suite. A container whose PID 1 is
 * `sh -c "... & wait"` (the generated proxies) ignores SIGTERM and would otherwise hold its host port for its
 * whole stop grace period (10 s by default).
 */
export async function removeStackNow(engine: Engine, stack: string, nodes: Engine[] = [engine]): Promise<void> {
  await docker(engine, ["stack", "rm", stack], { allowFail: true });
  const running = async (node: Engine) =>
    (await docker(node, ["ps", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`])).stdout
      .split("\n")
      .filter(Boolean);
  await Promise.all(
    nodes.map(async (node) => {
      const ids = await running(node);
      if (ids.length > 0) await docker(node, ["kill", ...ids], { allowFail: true });
      await poll(`the containers of ${stack} to stop`, 30_000, async () =>
        (await running(node)).length === 0 ? true : undefined,
      );
    }),
  );
}

/**
 * The running container of a service: its ID and the networks the engine attached it to.
 * Waits for it first: a stack's other services may still be starting when one task's
 * refusal is seen.
 */
export async function runningTask(engine: Engine, service: string): Promise<{ id: string; networks: string[] }> {
  const list = async () =>
    (
      await docker(engine, ["ps", "-q", "--no-trunc", "--filter", `label=com.docker.swarm.service.name=${service}`])
    ).stdout
      .split("\n")
      .filter(Boolean);
  await poll(`a running container of ${service}`, 30_000, async () =>
    (await list()).length > 0 ? true : undefined,
  ).catch(() => undefined);
  const ids = await list();
  expect(ids, `running containers of ${service}`).toHaveLength(1);
  const id = ids[0]!;
  const r = await docker(engine, [
    "inspect",
    "--format",
    "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
    id,
  ]);
  return { id, networks: r.stdout.trim().split(/\s+/).filter(Boolean).sort() };
}
