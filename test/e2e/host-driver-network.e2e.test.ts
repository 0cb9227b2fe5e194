// Scenario: a stack network declared with `driver: host` (instead of the external `host`). The real
// engine refuses to create it, with the text the host-driver-network rule quotes; `stackmod check`
// predicted it at the declaration, and the file as the finding says to write it deploys and runs on the
// host network (the rule has no automatic fix: the finding names the replacement).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onlyOneHostText } from "../../src/rules/engine-texts.js";
import { stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { removeStackNow } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/host-driver-network.yml", import.meta.url));
const STACK = "e2ehostdriver";

describe.skipIf(!engine)("a network of the host driver (real engine)", () => {
  const e = engine!;

  beforeAll(async () => {
    await buildImage(e, "stackmod-e2e/socat:latest", SOCAT_IMAGE);
  }, 180_000);

  afterAll(async () => {
    await removeStackNow(e, STACK);
  }, 60_000);

  it("check names it at the declaration", async () => {
    const r = await stackmod(["check", INPUT]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${INPUT}:9:3: error host-driver-network:`);
  });

  it("the engine refuses to deploy the original, with the text the rule quotes", async () => {
    const r = await docker(e, ["stack", "deploy", "--resolve-image", "never", "-c", INPUT, STACK], {
      allowFail: true,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(onlyOneHostText.text);
    await removeStackNow(e, STACK);
  });

  it("written as the finding says, it deploys, and its task runs on the host network", async () => {
    const r = await stackmod(["check", INPUT]);
    expect(r.stdout).toContain("write `hostnet: {external: true, name: host}`");
    const file = join(mkdtempSync(join(e.dir, "fixed-")), "stack.yml");
    writeFileSync(
      file,
      readFileSync(INPUT, "utf8").replace(
        "  hostnet:\n    driver: host\n",
        "  hostnet: {external: true, name: host}\n",
      ),
    );
    expect((await stackmod(["check", file])).code).toBe(0);
    await deployStack(e, file, STACK);
    await waitConverged(e, STACK);
    const ids = (await docker(e, ["ps", "-q", "--filter", `label=com.docker.stack.namespace=${STACK}`])).stdout.trim();
    const mode = await docker(e, ["inspect", ids.split("\n")[0]!, "--format", "{{.HostConfig.NetworkMode}}"]);
    expect(mode.stdout.trim()).toBe("host");
  });
});
