// The lan strategy's per-node ranges on a real engine (lan.e2e.test.ts covers the default network and the
// shim): a veth pair stands in for the LAN interface; the setup script that `stackmod rewrite --write` writes
// from the file's own x-stackmod block picks this node's range by $(hostname), creates the config-only network
// with it and the swarm-scoped macvlan network (a second run creates nothing), and the rewritten stack
// converges with its task at an address of that range. (This kernel has no ipvlan module: macvlan only.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { e2eEngine } from "./context.js";
import { docker, dockerEnv } from "./engine.js";
import { run } from "./run.js";
import { deployStack, execInService, removeStack, waitConverged } from "./stack.js";
import { timed } from "./timing.js";

const engine = e2eEngine();
const PARENT = "smlanr0";
const STACK = "e2elanranges";
const NETWORK = "e2e-lan-ranges";

describe.skipIf(!engine)("lan: per-node IP ranges, setup script and rewritten stack (real engine)", () => {
  const e = engine!;
  const dir = mkdtempSync(join(tmpdir(), "stackmod-e2e-lan-ranges-"));
  const stack = join(dir, "stack.yml");
  const script = join(dir, "stack.lan-setup.sh");
  const env = { ...dockerEnv(e), PATH: `${dirname(e.cli)}:${process.env.PATH}` };
  const inspect = async (name: string, format: string) =>
    (await docker(e, ["network", "inspect", "--format", format, name])).stdout.trim();

  beforeAll(async () => {
    await run("ip", ["link", "add", PARENT, "type", "veth", "peer", "name", `${PARENT}p`]);
    await run("ip", ["link", "set", PARENT, "up"]);
    await run("ip", ["link", "set", `${PARENT}p`, "up"]);
    // The script picks the node's range by $(hostname): the Swarm node name of this single-node Swarm.
    const node = (await docker(e, ["info", "--format", "{{.Name}}"])).stdout.trim();
    expect(node).toBe(hostname());
    writeFileSync(
      stack,
      [
        'version: "3.8"',
        "services:",
        "  gw:",
        "    image: stackmod-e2e/socat:latest",
        '    command: ["sh", "-c", "sleep 100000"]',
        "    networks:",
        "      - hostnet",
        "      - backend",
        "    x-stackmod:",
        "      strategy: lan",
        `      lan: {parent: ${PARENT}, subnet: 10.213.0.0/24, gateway: 10.213.0.1, network: ${NETWORK}, ipRanges: {${node}: 10.213.0.16/28}}`,
        "networks:",
        "  hostnet:",
        "    external: true",
        "    name: host",
        "  backend:",
        "    driver: overlay",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    await removeStack(e, STACK);
    await docker(e, ["network", "rm", NETWORK], { allowFail: true });
    await docker(e, ["network", "rm", `${NETWORK}-config`], { allowFail: true });
    await run("ip", ["link", "del", PARENT], { allowFail: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("rewrite --write writes the script; it creates both networks; a second run creates nothing", async () => {
    const rewritten = await runCli(["rewrite", stack, "--write"]);
    expect(rewritten.code, rewritten.stderr).toBe(0);
    expect(readFileSync(stack, "utf8")).toContain(`      - ${NETWORK}\n      - backend\n`);

    const first = await timed(e.dir, "lan: setup script", () => run("sh", [script], { env, allowFail: true }));
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(
      await inspect(
        `${NETWORK}-config`,
        "{{.ConfigOnly}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}} {{.IPRange}}{{end}} {{.Options.parent}}",
      ),
    ).toBe(`true 10.213.0.0/24 10.213.0.1 10.213.0.16/28 ${PARENT}`);
    expect(await inspect(NETWORK, "{{.Driver}} {{.Scope}} {{.ConfigFrom.Network}}")).toBe(
      `macvlan swarm ${NETWORK}-config`,
    );
    const ids = [await inspect(NETWORK, "{{.Id}}"), await inspect(`${NETWORK}-config`, "{{.Id}}")];

    const second = await run("sh", [script], { env, allowFail: true });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(
      `${NETWORK}-config exists on this node; left as it is\n${NETWORK} exists in the swarm; left as it is\n`,
    );
    expect([await inspect(NETWORK, "{{.Id}}"), await inspect(`${NETWORK}-config`, "{{.Id}}")]).toEqual(ids);
  });

  it("the rewritten stack converges, its task on the LAN network at an address of the node's range", async () => {
    await timed(e.dir, "lan: deploy", async () => {
      await deployStack(e, stack, STACK);
      await waitConverged(e, STACK, 90_000);
    });
    const addresses = (await execInService(e, `${STACK}_gw`, ["ip", "-4", "-o", "addr"])).stdout;
    const lan = /inet (10\.213\.0\.(\d+))\/24/.exec(addresses);
    expect(lan, addresses).not.toBeNull();
    expect(Number(lan![2])).toBeGreaterThanOrEqual(16);
    expect(Number(lan![2])).toBeLessThanOrEqual(31);
    const containers = await inspect(NETWORK, "{{range .Containers}}{{.IPv4Address}} {{end}}");
    expect(containers).toContain(`${lan![1]}/24`);
  });
});
