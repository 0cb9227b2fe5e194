// Scenario: the stack-compatibility fixes on the real engine. A file with `restart`, `mem_limit`,
// `mem_reservation` and `cpus` (docker stack ignores the first and refuses the others) is rewritten by
// the real CLI with --fix all, deployed, and `docker service inspect` shows the restart policy and the
// resource limits the file asked for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { removeStackNow, rewriteToFile } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/stack-fixes.yml", import.meta.url));
const STACK = "e2efixes";

describe.skipIf(!engine)("stack fixes (real engine)", () => {
  const e = engine!;
  let spec: {
    TaskTemplate: {
      RestartPolicy?: { Condition?: string; MaxAttempts?: number };
      Resources?: { Limits?: { MemoryBytes?: number; NanoCPUs?: number }; Reservations?: { MemoryBytes?: number } };
    };
  };

  beforeAll(async () => {
    await buildImage(e, "stackmod-e2e/socat:latest", SOCAT_IMAGE);
    const { file } = await rewriteToFile(e, INPUT, ["--fix", "all"]);
    await deployStack(e, file, STACK);
    await waitConverged(e, STACK);
    const inspect = await docker(e, ["service", "inspect", `${STACK}_worker`, "--format", "{{json .Spec}}"]);
    spec = JSON.parse(inspect.stdout);
  }, 180_000);

  afterAll(async () => {
    await removeStackNow(e, STACK);
  }, 60_000);

  it("the restart policy is the one `restart: on-failure:4` meant", () => {
    expect(spec.TaskTemplate.RestartPolicy).toMatchObject({ Condition: "on-failure", MaxAttempts: 4 });
  });

  it("the resource limits and reservation are the ones mem_limit, cpus and mem_reservation meant", () => {
    expect(spec.TaskTemplate.Resources?.Limits).toMatchObject({ MemoryBytes: 64 * 1024 * 1024, NanoCPUs: 250_000_000 });
    expect(spec.TaskTemplate.Resources?.Reservations).toMatchObject({ MemoryBytes: 32 * 1024 * 1024 });
  });
});
