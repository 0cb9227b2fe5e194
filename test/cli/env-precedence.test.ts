import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

/**
 * Where `${VAR}` comes from, per dialect, against the real tools: `docker stack config`
 * (client side, no engine) reads the shell only, never a `.env`; Compose reads the `.env`
 * beside the file by default, and the shell wins over env files.
 */
const stack = `version: "3.8"
services:
  agent:
    image: example/agent:1
    networks: [hostnet, backend]
    deploy: {mode: global}
networks:
  hostnet: {external: true, name: "\${HOST_NET:-bridge}"}
  backend: {driver: overlay}
`;
const compose = `services:
  web:
    image: nginx:1.27
    networks: [backend]
networks:
  backend: {name: "\${NET:?set NET}"}
`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-env-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The network name `docker stack config` resolves, with only `env` as its environment. */
function dockerNetworkName(dir: string, env: Record<string, string> = {}): string {
  const output = execFileSync("docker", ["stack", "config", "-c", "stack.yml"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DOCKER_HOST: "unix:///nonexistent.sock", ...env },
    stdio: "pipe",
  }).toString();
  return /hostnet:\n(?:\s+.*\n)*?\s+name: (\S+)/.exec(output)![1]!;
}

describe("variables, as each tool reads them", () => {
  it("a stack file: the .env beside it is ignored, as docker stack config ignores it", async () => {
    const dir = folder({ "stack.yml": stack, ".env": "HOST_NET=host\n" });
    expect(dockerNetworkName(dir)).toBe("bridge");
    expect((await runCli(["check", join(dir, "stack.yml")])).code).toBe(0);
  });

  it("a stack file: the shell wins over --env-file, and docker stack config sees the shell's value", async () => {
    const dir = folder({ "stack.yml": stack, "site.env": "HOST_NET=bridge\n" });
    const env = { HOST_NET: "host" };
    expect(dockerNetworkName(dir, env)).toBe("host");
    const file = join(dir, "stack.yml");
    expect((await runCli(["check", file, "--env-file", join(dir, "site.env")], { env })).code).toBe(1);
    // Without the shell's value, the env file gives it.
    const fromFile = folder({ "stack.yml": stack, "site.env": "HOST_NET=host\n" });
    expect((await runCli(["check", join(fromFile, "stack.yml"), "--env-file", join(fromFile, "site.env")])).code).toBe(
      1,
    );
  });

  it("a Compose file: the .env beside it is read by default; --env-file replaces it; the shell wins", async () => {
    const withDotenv = folder({ "compose.yaml": compose, ".env": "NET=plant\n" });
    expect((await runCli(["check", join(withDotenv, "compose.yaml")])).code).toBe(0);
    const without = folder({ "compose.yaml": compose });
    const unset = await runCli(["check", join(without, "compose.yaml")]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain("error INTERPOLATION: required variable NET is not set: set NET");
    // --env-file names the files instead of the .env (as `docker compose --env-file`).
    const other = folder({ "compose.yaml": compose, ".env": "NET=plant\n", "empty.env": "# nothing\n" });
    const replaced = await runCli(["check", join(other, "compose.yaml"), "--env-file", join(other, "empty.env")]);
    expect(replaced.code).toBe(2);
    // The shell's own value counts with or without an env file.
    expect((await runCli(["check", join(without, "compose.yaml")], { env: { NET: "plant" } })).code).toBe(0);
  });
});
