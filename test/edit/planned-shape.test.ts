import { describe, expect, it } from "vitest";
import { plan, verify, type RewriteOptions } from "../../src/rewrite.js";
import { emptyShape, type PlannedShape } from "../../src/edit/planned-shape.js";

/**
 * Each service a rewrite touches or adds must read, once the output is
 * parsed again, as the strategy planned it (networks, network_mode, published ports,
 * the added services' names). Fed a planned shape the output does not have, or an
 * output the edit got wrong, verify is INTERNAL and says what differs.
 */
const input = `version: "3.8"
services:
  bacnet:
    image: x
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
networks:
  hostnet:
    external: true
    name: host
  backend:
    driver: overlay
`;
const options: RewriteOptions & { file: string } = { file: "stack.yml", options: { strategy: "proxy" } };

function planned() {
  const result = plan(input, options);
  return {
    result,
    verifyWith: (output: string, shapes: Map<string, PlannedShape>) =>
      verify(output, { ...options, target: result.dialect }, { ...result, planned: shapes }),
  };
}

describe("verify compares each rewritten service with its planned shape", () => {
  it("the proxy's own plan: the service off hostnet, the proxy on it, the port published in ingress", () => {
    const { result, verifyWith } = planned();
    expect([...result.planned.keys()].sort()).toEqual(["bacnet", "bacnet-proxy"]);
    expect(result.planned.get("bacnet")!.off).toEqual(new Set(["hostnet"]));
    expect(result.planned.get("bacnet-proxy")).toMatchObject({ networks: ["hostnet"], published: [] });
    expect(() => verifyWith(result.output, new Map(result.planned))).not.toThrow();
  });

  const wrong: [string, (shape: Map<string, PlannedShape>) => void, RegExp][] = [
    [
      "an added service that is not there",
      (s) => s.set("bacnet-relay", { ...emptyShape(), networks: [] }),
      /"bacnet-relay" that it planned is not in its output/,
    ],
    [
      "other networks for an added service",
      (s) => s.set("bacnet-proxy", { ...s.get("bacnet-proxy")!, networks: ["backend"] }),
      /"bacnet-proxy" is on networks \[hostnet\], planned \[backend\]/,
    ],
    ["a network it should have gained", (s) => s.get("bacnet")!.on.add("lan"), /"bacnet" is not on "lan"/],
    [
      "another network_mode",
      (s) => s.set("bacnet", { ...s.get("bacnet")!, networkMode: "host" }),
      /"bacnet" has network_mode null, planned host/,
    ],
    [
      "other published ports",
      (s) => s.set("bacnet-proxy", { ...s.get("bacnet-proxy")!, published: ["47808:47808/udp/host"] }),
      /"bacnet-proxy" publishes \[\], planned \[47808:47808\/udp\/host\]/,
    ],
  ];
  for (const [what, spoil, message] of wrong) {
    it(`a planned shape with ${what}: INTERNAL, nothing else`, () => {
      const { result, verifyWith } = planned();
      const shapes = new Map(
        [...result.planned].map(([k, v]) => [k, { ...v, on: new Set(v.on), off: new Set(v.off) }]),
      );
      spoil(shapes);
      expect(() => verifyWith(result.output, shapes)).toThrow(
        expect.objectContaining({ code: "INTERNAL", message: expect.stringMatching(message) }),
      );
    });
  }

  it("an output whose edit went wrong (the proxy written onto backend) is caught by the shape, and only by it", () => {
    const { result, verifyWith } = planned();
    const spoiled = result.output.replace("    networks:\n      - hostnet\n", "    networks:\n      - backend\n");
    expect(spoiled).not.toBe(result.output);
    expect(() => verifyWith(spoiled, new Map(result.planned))).toThrow(
      expect.objectContaining({
        code: "INTERNAL",
        message: expect.stringMatching(/"bacnet-proxy" is on networks \[backend\], planned \[hostnet\]/),
      }),
    );
    // Without the shapes, nothing else in verify sees it: no finding, no double binding, no unchanged service.
    expect(() => verifyWith(spoiled, new Map())).not.toThrow();
  });

  it("the published port it adds to the rewritten service is part of its shape", () => {
    const { result, verifyWith } = planned();
    expect([...result.planned.get("bacnet")!.publishes]).toEqual(["57808:47808/udp/ingress"]);
    const spoiled = result.output.replace("        mode: ingress\n", "        mode: host\n");
    expect(() => verifyWith(spoiled, new Map(result.planned))).toThrow(
      expect.objectContaining({
        code: "INTERNAL",
        message: expect.stringMatching(/"bacnet" does not publish 57808:47808\/udp\/ingress/),
      }),
    );
  });
});
