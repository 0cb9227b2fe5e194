// Scenario: one stack layered from two files, deployed as `docker stack deploy -c base.yml -c prod.yml`
// and read by stackmod with the same `-c`. A network declaration of the later file wins the merge: check
// names it in that file, and the engine refuses the layered stack with the text the rule quotes. A conflict
// written in the base: `rewrite -c` edits the base only, and the layered stack, override included, deploys
// and runs off the host network. A conflict only the merge makes (the host network attached in the override, the
// overlay in the base): `rewrite -c` edits the override alone, and the two deploy, the task on the overlay alone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { onlyOneHostText } from "../../src/rules/engine-texts.js";
import { stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { removeStackNow } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";

const engine = e2eEngine();
const STACK = "e2elayered";
/** Its own stack: the previous one's networks may still be going away when it deploys. */
const SPANNING = "e2espanning";

const agent = (networks: string[]) =>
  'version: "3.8"\nservices:\n  agent:\n    image: stackmod-e2e/socat:latest\n    command: ["sleep", "3600"]\n' +
  `    networks:\n${networks.map((n) => `      - ${n}\n`).join("")}`;
const hostnet = "networks:\n  hostnet:\n    external: true\n    name: host\n";

describe.skipIf(!engine)("a stack layered from two files (-c A -c B, real engine)", () => {
  const e = engine!;
  let dir = "";
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(e.dir, "layered-"));
    await buildImage(e, "stackmod-e2e/socat:latest", SOCAT_IMAGE);
  }, 180_000);

  afterAll(async () => {
    await removeStackNow(e, STACK);
    await removeStackNow(e, SPANNING);
  }, 60_000);

  it("check -c names the later file's declaration; the engine refuses the stack with the rule's text", async () => {
    const base = write("base.yml", agent(["hostnet"]) + hostnet);
    const prod = write("prod.yml", 'version: "3.8"\nnetworks:\n  hostnet:\n    driver: host\n');
    expect((await stackmod(["check", base])).code).toBe(0);
    const r = await stackmod(["check", "-c", base, "-c", prod]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${prod}:3:3: error host-driver-network:`);
    expect(r.stdout).not.toContain(`${base}:`);
    const deploy = await docker(e, ["stack", "deploy", "--resolve-image", "never", "-c", base, "-c", prod, STACK], {
      allowFail: true,
    });
    expect(deploy.code).not.toBe(0);
    expect(deploy.stdout + deploy.stderr).toContain(onlyOneHostText.text);
    await removeStackNow(e, STACK);
  });

  it("rewrite -c edits only the base; the layered stack deploys and its task runs off the host network", async () => {
    const base = write("conflict.yml", agent(["hostnet", "backend"]) + hostnet + "  backend:\n    driver: overlay\n");
    const override = 'version: "3.8"\nservices:\n  agent:\n    deploy:\n      replicas: 1\n';
    const prod = write("conflict.prod.yml", override);
    const check = await stackmod(["check", "-c", base, "-c", prod]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`${base}:7:9: error host-plus-network:`);
    const args = ["-c", base, "-c", prod, "--strategy", "publish", "--port", "agent=21150/tcp"];
    const r = await stackmod(["rewrite", ...args, "--write"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(prod, "utf8")).toBe(override);
    expect(readFileSync(base, "utf8")).toContain("      - backend\n    ports:\n      - target: 21150\n");
    expect((await stackmod(["check", "-c", base, "-c", prod])).code).toBe(0);
    await deployStack(e, [base, prod], STACK);
    const services = await waitConverged(e, STACK);
    expect(services.map((s) => [s.name, s.running, s.desired])).toEqual([[`${STACK}_agent`, 1, 1]]);
    const ids = (await docker(e, ["ps", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`])).stdout.trim();
    const networks = await docker(e, [
      "inspect",
      ids.split("\n")[0]!,
      "--format",
      "{{json .NetworkSettings.Networks}}",
    ]);
    expect(Object.keys(JSON.parse(networks.stdout) as object)).toEqual([`${STACK}_backend`]);
  });

  it("host in the override, overlay in the base: rewrite -c edits the override alone; both deploy", async () => {
    const baseText = agent(["backend"]) + hostnet + "  backend:\n    driver: overlay\n";
    const overrideText = 'version: "3.8"\nservices:\n  agent:\n    networks:\n      - hostnet\n';
    const base = write("spanning.yml", baseText);
    const prod = write("spanning.prod.yml", overrideText);
    expect((await stackmod(["check", "-c", base, "-c", prod])).code).toBe(1);
    const args = ["-c", base, "-c", prod, "--strategy", "publish", "--port", "agent=21151/tcp"];
    const r = await stackmod(["rewrite", ...args, "--write"]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(base, "utf8")).toBe(baseText);
    expect(readFileSync(prod, "utf8")).toBe(
      'version: "3.8"\nservices:\n  agent:\n    ports:\n      - target: 21151\n        published: 21151\n' +
        "        protocol: tcp\n        mode: host\n",
    );
    await deployStack(e, [base, prod], SPANNING);
    const services = await waitConverged(e, SPANNING);
    expect(services.map((s) => [s.name, s.running, s.desired])).toEqual([[`${SPANNING}_agent`, 1, 1]]);
    const ids = (
      await docker(e, ["ps", "-q", "--filter", `label=com.docker.stack.namespace=${SPANNING}`])
    ).stdout.trim();
    const networks = await docker(e, [
      "inspect",
      ids.split("\n")[0]!,
      "--format",
      "{{json .NetworkSettings.Networks}}",
    ]);
    expect(Object.keys(JSON.parse(networks.stdout) as object)).toEqual([`${SPANNING}_backend`]);
  });
});
