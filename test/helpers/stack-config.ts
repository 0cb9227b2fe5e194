import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";

const execFileAsync = promisify(execFile);

export interface StackConfigInput {
  /** The files in the order given to `-c`, by name. */
  files: [name: string, text: string][];
  /** Files the stack refers to (an `env_file:`), created empty beside it. */
  companions?: string[];
  /** The environment `docker stack config` interpolates from (nothing else leaks in). */
  env?: Record<string, string>;
}

export type StackConfigResult = { ok: true; output: string } | { ok: false; error: string };

/**
 * Runs the real `docker stack config -c A [-c B ...]` (client side, no engine) in a
 * scratch folder and returns the normalised file it prints, or its error text.
 */
export function stackConfig(input: StackConfigInput): StackConfigResult {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-layers-"));
  try {
    for (const name of input.companions ?? []) writeFileSync(join(dir, name), "");
    const args = ["stack", "config"];
    for (const [name, text] of input.files) {
      writeFileSync(join(dir, name), text);
      args.push("-c", name);
    }
    const output = execFileSync("docker", args, { cwd: dir, stdio: "pipe", env: configEnv(dir, input) }).toString();
    return { ok: true, output };
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return { ok: false, error: e.stderr?.toString() || e.message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `stackConfig` without blocking: for tests that run many files, a few at a time. */
export async function stackConfigAsync(input: StackConfigInput): Promise<StackConfigResult> {
  const dir = await mkdtemp(join(tmpdir(), "stackmod-layers-"));
  try {
    for (const name of input.companions ?? []) await writeFile(join(dir, name), "");
    const args = ["stack", "config"];
    for (const [name, text] of input.files) {
      await writeFile(join(dir, name), text);
      args.push("-c", name);
    }
    const { stdout } = await execFileAsync("docker", args, { cwd: dir, env: configEnv(dir, input) });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    return { ok: false, error: e.stderr || e.message };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function configEnv(dir: string, input: StackConfigInput): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    DOCKER_HOST: "unix:///nonexistent.sock",
    ...input.env,
  };
}

/** One service's ports as `docker stack config` writes them for a one-file stack; throws if docker refuses it. */
export function dockerPorts(input: string, service: string): { protocol: string; target: number }[] {
  const docker = stackConfig({ files: [["stack.yml", input]] });
  if (!docker.ok) throw new Error(`docker stack config refused the stack: ${docker.error}`);
  const config = parse(docker.output) as {
    services: Record<string, { ports: { protocol: string; target: number }[] }>;
  };
  return config.services[service]!.ports;
}
