import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/load.js";
import { optionPosition } from "../../src/model/option-position.js";

/** A stack whose service `gw` and top level say what `lines` say, each written where a test names it. */
function load(lines: string[]) {
  const model = loadModel([...lines, ""].join("\n"), { file: "stack.yml" });
  const service = model.services.find((s) => s.name === "gw")!;
  return { model, service };
}

const where = (lines: string[], block: string, path: string[], value?: unknown) => {
  const { model, service } = load(lines);
  return optionPosition(model, service, block, path, value);
};

/** Every block sets queue.topic: the service's own, then the top-level services.gw, then the top-level block. */
const everyBlock = [
  'version: "3.8"',
  "x-stackmod:",
  "  queue: {topic: top}",
  "  services:",
  "    gw:",
  "      queue:",
  "        topic: named",
  "services:",
  "  gw:",
  "    image: example/gw:1",
  "    x-stackmod:",
  "      queue: {topic: own}",
];

describe("optionPosition", () => {
  it("is the value in the service's own block first", () => {
    expect(where(everyBlock, "queue", ["topic"])).toEqual({ file: "stack.yml", line: 12, column: 22 });
  });

  it("is the top-level services.NAME without one of its own, then the top-level block", () => {
    const withoutOwn = everyBlock.slice(0, 10);
    expect(where(withoutOwn, "queue", ["topic"])).toEqual({ file: "stack.yml", line: 7, column: 16 });
    const topOnly = [...everyBlock.slice(0, 3), ...everyBlock.slice(7, 10)];
    expect(where(topOnly, "queue", ["topic"])).toEqual({ file: "stack.yml", line: 3, column: 18 });
  });

  it("with a value, is the most specific block that holds that value: a block holding another is passed over", () => {
    expect(where(everyBlock, "queue", ["topic"], "named")).toEqual({ file: "stack.yml", line: 7, column: 16 });
    expect(where(everyBlock, "queue", ["topic"], "top")).toEqual({ file: "stack.yml", line: 3, column: 18 });
  });

  it("is undefined for a value no block holds (it came from the flags or --config) and for an option none sets", () => {
    expect(where(everyBlock, "queue", ["topic"], "from-the-flags")).toBeUndefined();
    expect(where(everyBlock, "queue", ["kind"])).toBeUndefined();
    expect(where(everyBlock, "lan", ["parent"])).toBeUndefined();
    expect(where(everyBlock.slice(7, 10), "queue", ["topic"])).toBeUndefined();
  });

  it("follows a path into nested mappings and compares mappings and lists as data", () => {
    const lines = [
      'version: "3.8"',
      "services:",
      "  gw:",
      "    image: example/gw:1",
      "    x-stackmod:",
      "      lan:",
      "        ipRanges:",
      "          node-a: 10.0.0.0/28",
      "      queue: {processor: {constraints: [node.role == manager]}}",
    ];
    expect(where(lines, "lan", ["ipRanges", "node-a"])).toEqual({ file: "stack.yml", line: 8, column: 19 });
    expect(where(lines, "lan", ["ipRanges"], { "node-a": "10.0.0.0/28" })).toMatchObject({ line: 8, column: 11 });
    expect(where(lines, "lan", ["ipRanges"], { "node-a": "10.0.0.0/29" })).toBeUndefined();
    const constraints = ["processor", "constraints"];
    expect(where(lines, "queue", constraints, ["node.role == manager"])).toMatchObject({ line: 9, column: 40 });
  });

  it("points where the file wrote a value it merged in or aliased: at the anchored text", () => {
    const lines = [
      'version: "3.8"',
      "x-queue: &queue",
      "  topic: shared",
      "services:",
      "  gw:",
      "    image: example/gw:1",
      "    x-stackmod:",
      "      queue:",
      "        <<: *queue",
      "        image: example/nats:1",
    ];
    expect(where(lines, "queue", ["topic"], "shared")).toEqual({ file: "stack.yml", line: 3, column: 10 });
    expect(where(lines, "queue", ["image"])).toEqual({ file: "stack.yml", line: 10, column: 16 });
    const aliased = [
      'version: "3.8"',
      "x-options: &options {queue: {topic: aliased}}",
      "services:",
      "  gw:",
      "    image: example/gw:1",
      "    x-stackmod: *options",
    ];
    expect(where(aliased, "queue", ["topic"])).toEqual({ file: "stack.yml", line: 2, column: 37 });
  });
});
