// The conflict stackmod exists for, reproduced on a real engine: host network + overlay never starts;
// host network alone converges.
import { afterAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { e2eEngine } from "./context.js";
import { deployStack, removeStack, taskErrors, waitConverged, waitForTaskError } from "./stack.js";
import { run } from "./run.js";
import { docker } from "./engine.js";
import { timed } from "./timing.js";
import { expectedRefusal as expectedError, REFUSAL } from "./refusal.js";

const engine = e2eEngine();
const stackFile = (name: string) => fileURLToPath(new URL(`./stacks/${name}`, import.meta.url));

describe.skipIf(!engine)("host network plus another network (real engine)", () => {
  const e = engine!;
  afterAll(async () => {
    await removeStack(e, "e2econflict");
    await removeStack(e, "e2ehostonly");
  });

  it("refuses a service on the host network and an overlay", async () => {
    await timed(e.dir, "conflict: refused", async () => {
      await deployStack(e, stackFile("conflict-host-plus-overlay.yml"), "e2econflict");
      const failure = await waitForTaskError(e, "e2econflict", REFUSAL, 60_000);
      expect(failure.service).toBe("e2econflict_gw");
      expect(failure.error).toContain(expectedError(e.serverVersion));
      expect(failure.state).toMatch(/^(Rejected|Failed)/);
      // every attempt fails the same way, and no task ever runs
      const errors = await taskErrors(e, "e2econflict");
      expect(errors.every((t) => t.error.includes(expectedError(e.serverVersion)))).toBe(true);
      const running = await docker(e, ["ps", "-q", "--filter", "label=com.docker.swarm.service.name=e2econflict_gw"]);
      expect(running.stdout.trim()).toBe("");
    });
    await removeStack(e, "e2econflict");
  });

  it("starts the same service on the host network only, listening on the host", async () => {
    await timed(e.dir, "conflict: host only converges", async () => {
      await deployStack(e, stackFile("conflict-host-only.yml"), "e2ehostonly");
      await waitConverged(e, "e2ehostonly", 60_000);
      const r = await run("socat", ["-T2", "-", "TCP:127.0.0.1:38090,connect-timeout=2"], {
        input: "",
        timeoutMs: 10_000,
      });
      expect(r.stdout.trim()).toBe("conflict-ok");
    });
  });
});
