// The audit's judgement of one service, on services shaped as the inventory builds them from the engine.
import { describe, expect, it } from "vitest";
import { detectService } from "../../src/audit/detect.js";
import type { AuditService } from "../../src/audit/inventory.js";
import { engineOf } from "../../src/audit/refusals.js";
import { parseEngine } from "../../src/rules/engines.js";

const service = (over: Partial<AuditService>): AuditService => ({
  id: "s1",
  name: "plant_gw",
  stack: "plant",
  image: "example/gw:1",
  mode: "replicated 1",
  endpointMode: "vip",
  networks: [
    { id: "h", name: "host", driver: "host" },
    { id: "o", name: "plant_backend", driver: "overlay" },
  ],
  ports: [],
  placement: { constraints: [] },
  tasks: [],
  ...over,
});

const prefixed =
  "starting container failed: failed to set up container networking: cannot connect container to host network - " +
  "container must be created in host network mode";

describe("detectService", () => {
  it("a host+overlay service on 27.5 runs by the loophole; on 28 it is refused, in 28's words", () => {
    const [finding] = detectService(service({}), { current: engineOf("27.5.1"), target: parseEngine("28.0.2") });
    expect(finding).toMatchObject({ rule: "host-plus-network", refusedNow: false, failingTasks: [] });
    expect(finding!.target).toEqual({
      version: "28.0.2",
      refused: true,
      texts: [
        "container sharing network namespace with another container or host cannot be connected to any other network",
        "cannot connect container to host network - container must be created in host network mode",
      ],
    });
  });

  it("a task refused behind 28's prefix is matched, and counts as refused now", () => {
    const tasks = [{ id: "t1", state: "rejected", desiredState: "shutdown", error: prefixed }];
    const [finding] = detectService(service({ tasks }), { current: engineOf("28.0.4") });
    expect(finding!.failingTasks.map((t) => t.id)).toEqual(["t1"]);
    expect(finding!.refusedNow).toBe(true);
  });

  it("none plus another network, and host plus an ingress port (not a host-mode one)", () => {
    const none = service({
      networks: [
        { id: "n", name: "none", driver: "null" },
        { id: "o", name: "x", driver: "overlay" },
      ],
    });
    expect(detectService(none, {}).map((f) => f.rule)).toEqual(["none-plus-network"]);
    const ports = [
      { target: 80, published: 8080, protocol: "tcp", mode: "ingress" as const },
      { target: 443, published: 443, protocol: "tcp", mode: "host" as const },
    ];
    const web = service({ networks: [{ id: "h", name: "host", driver: "host" }], ports });
    expect(detectService(web, {}).map((f) => `${f.rule}: ${f.message}`)).toEqual([
      'host-ingress-port: service "plant_gw" is on the host network and publishes 8080:80/tcp in ingress mode, ' +
        "which attaches it to the ingress network",
    ]);
  });

  it("a clean service has no finding; refused tasks its spec no longer explains still are one", () => {
    const clean = service({ networks: [{ id: "o", name: "plant_backend", driver: "overlay" }] });
    expect(detectService(clean, {})).toEqual([]);
    const tasks = [{ id: "t2", state: "rejected", desiredState: "shutdown", error: prefixed }];
    const [finding] = detectService({ ...clean, tasks }, {});
    expect(finding).toMatchObject({ rule: "host-plus-network", failingTasks: [{ id: "t2" }] });
    expect(finding!.message).toContain("though its spec shows no such conflict now");
  });

  it("reads engine versions as engines print them", () => {
    expect(engineOf("20.10.24+dfsg1")).toMatchObject({ major: 20, minor: 10, patch: 24 });
    expect(engineOf("28.0.1-rc.2")).toMatchObject({ major: 28, minor: 0, patch: 1 });
    expect(engineOf("dev")).toBeUndefined();
  });
});
