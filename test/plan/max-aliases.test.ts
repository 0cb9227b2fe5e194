import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * A lan service whose `ipRanges` merges one mapping `uses` times: each use is an alias the options
 * reader expands again, so the file is within or over `--max-aliases` by the count chosen here.
 */
function stack(uses: number): string {
  const merges = Array.from({ length: uses }, () => "*ranges").join(", ");
  return [
    'version: "3.8"',
    "x-ranges: &ranges {node-a: 10.0.0.0/28, node-b: 10.0.1.0/28}",
    "services:",
    "  gw:",
    "    image: example/gw:1",
    "    networks: [hostnet, backend]",
    "    x-stackmod:",
    "      strategy: lan",
    `      lan: {parent: eth0, subnet: 10.0.0.0/16, ipRanges: {<<: [${merges}]}}`,
    "networks:",
    "  hostnet: {external: true, name: host}",
    "  backend: {driver: overlay}",
    "",
  ].join("\n");
}

describe("--max-aliases holds for every read of the file, the options included", () => {
  it("a file within a raised limit is rewritten: its options are read with that limit", () => {
    const text = stack(12_000);
    const result = rewrite(text, { file: "stack.yml", limits: { maxAliasCount: 20_000 } });
    expect(result.changed).toBe(true);
  });

  it("a file over a lowered limit is refused, the limit named", () => {
    const error = stackmodErrorOf(() => rewrite(stack(150), { file: "stack.yml", limits: { maxAliasCount: 100 } }));
    expect(error.code).toBe("YAML_ALIAS_LIMIT");
    expect(error.message).toContain("more than 100 nodes");
  });

  it("option positions are read with the file's limit, not yaml's default of 100", () => {
    // A Compose file takes one range: the error points at `ipRanges`, whose 150 merges yaml alone would refuse.
    const text = stack(150);
    const error = stackmodErrorOf(() => rewrite(text, { file: "stack.yml", target: "compose" }));
    expect(error.code).toBe("BAD_OPTION");
    expect(error.message).toContain("lan.ipRanges gives 2 nodes");
    expect(`${error.line}:${error.column}`).toBe(`9:${text.split("\n")[8]!.indexOf("{<<") + 1}`);
  });
});
