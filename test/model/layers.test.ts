import { describe, expect, it } from "vitest";
import { isMap, type Node } from "yaml";
import { loadLayers, type Layer } from "../../src/model/layers.js";
import { loadModel } from "../../src/model/load.js";
import { detect } from "../../src/rules/index.js";

const hostnet = "networks:\n  hostnet:\n    external: true\n    name: host\n  backend: {driver: overlay}\n";

const base: Layer = {
  file: "base.yml",
  text:
    'version: "3.8"\nx-o: &o\n  container_name: from-base\nservices:\n  app:\n    <<: *o\n    image: app:1\n' +
    `    networks: [backend]\n  db:\n    image: db:1\n${hostnet}`,
};
const override: Layer = {
  file: "prod.yml",
  text:
    'version: "3.8"\nx-o: &o\n  container_name: from-prod\nservices:\n  app:\n    networks: [hostnet]\n' +
    "    deploy: {replicas: 1}\n  web:\n    <<: *o\n    image: web:1\n",
};

describe("loadLayers: the merged stack is a StackModel", () => {
  it("merges services, networks and the dialect; keeps each file's model and document in order", () => {
    const stack = loadLayers([base, override], {});
    expect(stack.services.map((s) => s.name)).toEqual(["app", "db", "web"]);
    expect(stack.services[0]!.attachments.map((a) => a.key)).toEqual(["backend", "hostnet"]);
    expect([...stack.networks.keys()]).toEqual(["hostnet", "backend"]);
    expect(stack.dialect).toBe("swarm");
    expect(stack.documents.map((d) => d.source.file)).toEqual(["base.yml", "prod.yml"]);
    expect(stack.layers.map((m) => m.file)).toEqual(["base.yml", "prod.yml"]);
  });

  it("reads each node through its own file: an alias follows that file's anchor, a position names that file", () => {
    const stack = loadLayers([base, override], {});
    const [app, , web] = stack.services;
    const fromBase = stack.resolver.get(app!.map, "container_name")!;
    const fromProd = stack.resolver.get(web!.map, "container_name")!;
    expect([fromBase.local, (fromBase.value as { value: unknown }).value]).toEqual([false, "from-base"]);
    expect((fromProd.value as { value: unknown }).value).toBe("from-prod");
    expect(stack.positionOf(fromBase.pair.key as Node)).toEqual({ file: "base.yml", line: 3, column: 3 });
    expect(stack.positionOf(fromProd.pair.key as Node)).toEqual({ file: "prod.yml", line: 3, column: 3 });
    expect(stack.positionOf(app!.attachments[1]!.item as Node)).toEqual({ file: "prod.yml", line: 6, column: 16 });
    expect(stack.positionOf(null)).toEqual({ file: "base.yml", line: 1, column: 1 });
    const root = stack.documents[1]!.root;
    expect(isMap(stack.resolver.nodeAt(root, ["services", "web"]))).toBe(true);
    expect(stack.resolver.deref(web!.map.items[0]!.value)).toBe(root.get("x-o", true));
  });

  it("one detect for one file and for several: findings in file order, each file's top level checked", () => {
    const named = (file: string, text: string): Layer => ({ file, text: `version: "3.8"\nname: ${file}\n${text}` });
    const layers = [
      named("a.yml", "services:\n  app:\n    image: x\n    networks: [hostnet, backend]\n    deploy: {}\n" + hostnet),
      named("b.yml", "services:\n  app:\n    image: y\n"),
    ];
    const findings = detect(loadLayers(layers, {})).map((f) => [f.rule, f.file, f.line, f.column]);
    expect(findings).toEqual([
      ["stack-refused-key", "a.yml", 2, 1],
      ["host-plus-network", "a.yml", 6, 16],
      ["stack-refused-key", "b.yml", 2, 1],
    ]);
    const one = loadModel(layers[0]!.text, { file: "a.yml" });
    expect(one.documents).toEqual([one.parsed]);
    expect(detect(one).map((f) => [f.rule, f.file, f.line, f.column])).toEqual(findings.slice(0, 2));
  });
});
