import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { rewrite } from "../src/index.js";
import { runCli } from "./helpers/run-cli.js";

const example = resolve(import.meta.dirname, "..", "examples", "multicast-gateway-stack.yml");

function folderWithExample(): { dir: string; stack: string; script: string } {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-lan-cli-"));
  const stack = join(dir, "stack.yml");
  copyFileSync(example, stack);
  return { dir, stack, script: join(dir, "stack.lan-setup.sh") };
}

/** What the library says the script is, for the same file name the CLI uses. */
const expectedScript = (stack: string) => rewrite(readFileSync(example, "utf8"), { file: stack }).extraFiles[0]!;

describe("stackmod rewrite with the lan strategy", () => {
  it("a dry run shows the setup script in the report and writes nothing", async () => {
    const { stack, script } = folderWithExample();
    const run = await runCli(["rewrite", stack]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("+      - building-lan   # multicast on the building LAN");
    const { content } = expectedScript(stack);
    expect(run.stderr).toContain(`${stack}: would write ${script} (mode 755):\n${content}`);
    expect(existsSync(script)).toBe(false);
    expect(readFileSync(stack, "utf8")).toBe(readFileSync(example, "utf8"));
  });

  it("--write writes the script beside the stack file, executable, then a second run changes nothing", async () => {
    const { stack, script } = folderWithExample();
    const first = await runCli(["rewrite", stack, "--write"]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`${stack}: wrote ${script} (mode 755)`);
    expect(readFileSync(script, "utf8")).toBe(expectedScript(stack).content);
    expect(statSync(script).mode & 0o777).toBe(0o755 & ~process.umask());
    expect(readFileSync(stack, "utf8")).toBe(rewrite(readFileSync(example, "utf8"), { file: stack }).output);
    const before = statSync(script).mtimeMs;
    const second = await runCli(["rewrite", stack, "--write"]);
    expect(second.code).toBe(0);
    expect(statSync(script).mtimeMs).toBe(before);
  });

  it("an older script is replaced in place and keeps its mode", async () => {
    const { stack, script } = folderWithExample();
    writeFileSync(script, "#!/bin/sh\necho old\n");
    chmodSync(script, 0o700);
    const run = await runCli(["rewrite", stack, "--write"]);
    expect(run.stderr).toContain(`${stack}: replaced ${script} (mode 755)`);
    expect(readFileSync(script, "utf8")).toBe(expectedScript(stack).content);
    expect(statSync(script).mode & 0o777).toBe(0o700);
  });

  it("--check writes no script", async () => {
    const { stack, script } = folderWithExample();
    const run = await runCli(["rewrite", stack, "--check"]);
    expect(run.code).toBe(1);
    expect(existsSync(script)).toBe(false);
    expect(run.stderr).not.toContain("would write");
  });

  it("every option from flags: --lan-range, --lan-network, --lan-script, ipvlan l3", async () => {
    const { dir, stack } = folderWithExample();
    writeFileSync(stack, readFileSync(example, "utf8").replace(/ {4}x-stackmod:\n(?: {6}.*\n)+/, ""));
    const run = await runCli([
      "rewrite",
      stack,
      "--write",
      "--strategy",
      "lan",
      "--lan-driver",
      "ipvlan",
      "--lan-ipvlan-mode",
      "l3",
      "--lan-parent",
      "ens18",
      "--lan-subnet",
      "10.8.0.0/16",
      "--lan-network",
      "iot",
      "--lan-range",
      "knx-a=10.8.1.0/24",
      "--lan-range",
      "knx-b=10.8.2.0/24",
      "--lan-script",
      "setup/iot.sh",
    ]);
    expect(run.code).toBe(0);
    expect(readFileSync(stack, "utf8")).toContain("      - iot   # multicast on the building LAN\n");
    const script = readFileSync(join(dir, "setup", "iot.sh"), "utf8");
    expect(script).toContain("  'knx-a') range='10.8.1.0/24' ;;\n  'knx-b') range='10.8.2.0/24' ;;\n");
    expect(script).toContain(
      "docker network create --config-only --subnet '10.8.0.0/16' --ip-range \"$range\" -o 'parent=ens18' -o 'ipvlan_mode=l3' 'iot-config'\n",
    );
    expect(script).toContain("docker network create -d 'ipvlan' --scope swarm --config-from 'iot-config' 'iot'\n");
  });

  it.each([
    [["--lan-range", "knx-a"], "--lan-range knx-a: expected NODE=CIDR"],
    [
      ["--lan-range", "knx-a=10.8.1.0/24", "--lan-range", "knx-a=10.8.2.0/24"],
      "node knx-a already has the range 10.8.1.0/24",
    ],
    [["--lan-range", "knx-a=10.8.1.0/33"], 'invalid CIDR "10.8.1.0/33"'],
    [["--lan-parent", "eth0$(id)"], 'invalid interface name "eth0$(id)"'],
  ])("%j is refused with exit 2 and nothing written", async (flags, message) => {
    const { stack, script } = folderWithExample();
    const run = await runCli(["rewrite", stack, "--write", ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(existsSync(script)).toBe(false);
    expect(readFileSync(stack, "utf8")).toBe(readFileSync(example, "utf8"));
  });
});
