import { describe, expect, it } from "vitest";
import { StackAnalysis } from "../../src/analysis/index.js";
import { loadLayers, type Layer } from "../../src/model/layers.js";
import { optionPosition } from "../../src/model/option-position.js";
import { lanBlockPosition } from "../../src/strategies/lan/where.js";

/**
 * Positions that analysis, strategies and rules read from a layered stack (`-c base.yml -c
 * over.yml`) name the file that writes the node: here every node read is in the second file,
 * at an offset that the first file also has, so a position taken from the first file's text
 * would name base.yml at some line of its own.
 */
const base: Layer = {
  file: "base.yml",
  text:
    'version: "3.8"\nservices:\n  gw:\n    image: example/gw:1\n    networks: [hostnet, backend]\n' +
    "networks:\n  hostnet: {external: true, name: host}\n  backend: {driver: overlay}\n",
};
const over: Layer = {
  file: "over.yml",
  text:
    'version: "3.8"\nservices:\n  client:\n    image: example/client:1\n    networks: [backend]\n' +
    "    environment:\n      - GW_URL=http://gw:8080\n    x-stackmod:\n      queue: {topic: readings}\n" +
    "      lan: {gateway: 192.168.1.1}\n",
};

const stack = () => loadLayers([base, over], {});
const serviceOf = (name: string) => {
  const model = stack();
  return { model, service: model.services.find((s) => s.name === name)! };
};

describe("a position read from a layered stack names the file that writes the node", () => {
  it("analysis: the evidence of a reference written in the second file", () => {
    const { model, service } = serviceOf("gw");
    const facts = new StackAnalysis(model).analyze(service, { ports: [], source: "" });
    expect(facts.reachedBy.map((peer) => [peer.from, peer.port, peer.evidence.position])).toEqual([
      ["client", 8080, { file: "over.yml", line: 7, column: 9 }],
    ]);
  });

  it("an option a service of the second file sets (the helper every strategy's option errors use)", () => {
    const { model, service } = serviceOf("client");
    expect(optionPosition(model, service, "queue", ["topic"])).toEqual({ file: "over.yml", line: 9, column: 22 });
  });

  it("lan: the block a service of the second file asks for lan in", () => {
    const { model, service } = serviceOf("client");
    expect(lanBlockPosition(model, service)).toEqual({ file: "over.yml", line: 10, column: 12 });
  });
});
