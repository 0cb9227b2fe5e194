import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Runs the real `docker stack config -c FILE` (client side, no engine needed) and
 * returns its error text, or undefined when the file is accepted.
 */
export function dockerStackConfigError(text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-config-"));
  const file = join(dir, "stack.yml");
  writeFileSync(file, text);
  try {
    execFileSync("docker", ["stack", "config", "-c", file], {
      stdio: "pipe",
      env: { ...process.env, DOCKER_HOST: "unix:///nonexistent.sock" },
    });
    return undefined;
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return e.stderr?.toString() || e.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the real `docker-compose -f FILE config -q` (Compose v1 from Debian, no engine
 * needed) and returns its error text, or undefined when the file is accepted.
 */
export function dockerComposeConfigError(text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-compose-"));
  const file = join(dir, "compose.yml");
  writeFileSync(file, text);
  try {
    execFileSync("docker-compose", ["-f", file, "config", "-q"], {
      cwd: dir,
      stdio: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DOCKER_HOST: "unix:///nonexistent.sock" },
    });
    return undefined;
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    return e.stderr?.toString() || e.message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
