import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { rewriteWith } from "../../src/rewrite.js";
import { transforms } from "../../src/strategies/index.js";
import type { ServiceOptions } from "../../src/plan/option-types.js";
import { defineStrategy } from "../../src/strategies/strategy.js";
import { optionFlagsOf } from "../../src/cli/commands/option-flags.js";
import { cliOptions } from "../../src/cli/commands/cli-options.js";
import { describeTransforms } from "../../src/cli/commands/transforms.js";
import { optionRows } from "../../src/plan/options-doc.js";
import * as z from "../../src/zod.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * A strategy that leaves every service it is given as it is, with a reason: written the way a new
 * strategy is (one module behind the contract), and added to the registry's list and nothing else.
 */
const hold = defineStrategy({
  name: "hold",
  summary: "leave the service for later, saying why",
  optionsKey: "hold",
  optionsSchema: z.object({
    until: z._default(z.string(), "the next release").check(z.describe("when the service is to be rewritten")),
  }),
  flags: [{ flags: "--hold-until <when>", attribute: "holdUntil", option: "until", help: "when to rewrite it" }],
  apply(ctx) {
    return { applied: false, reason: `held until ${ctx.options.until}` };
  },
});

const strategies = [...transforms, hold];

const source = [
  'version: "3.8"',
  "services:",
  "  a:",
  "    image: example/a:1",
  "    networks: [hostnet, backend]",
  "  b:",
  "    image: example/b:1",
  "    networks: [hostnet, backend]",
  "networks:",
  "  hostnet: {external: true, name: host}",
  "  backend: {driver: overlay}",
  "",
].join("\n");

const bProxied: ServiceOptions = { strategy: "proxy", ports: ["8080"], proxy: { direction: "inbound" } };

describe("a strategy added to the registry's list", () => {
  it("that skips a service leaves it as it is, says why, and keeps its findings; the run goes on", () => {
    const options = { services: { a: { strategy: "hold", hold: { until: "Friday" } }, b: bProxied } };
    const result = rewriteWith(source, { file: "stack.yml", options: options as never }, strategies);
    expect(result.skipped).toEqual([{ service: "a", reason: "held until Friday" }]);
    expect(result.applied.map((a) => a.service)).toEqual(["b"]);
    expect(result.flows.map((f) => f.service)).not.toContain("a");
    expect(result.settings.map((s) => s.service)).toEqual(["b"]);
    // The output is b's rewrite alone, byte for byte: the same as selecting b with --service.
    const onlyB = rewrite(source, { file: "stack.yml", options: { services: { b: bProxied } }, services: ["b"] });
    expect(result.output).toBe(onlyB.output);
    expect(result.remaining.filter((f) => f.severity === "error").map((f) => [f.service, f.rule])).toEqual([
      ["a", "host-plus-network"],
    ]);
  });

  it("is chosen by name from every layer, and its options are validated with the others'", () => {
    const alone = rewriteWith(source, { file: "stack.yml", config: { strategy: "hold" } as never }, strategies);
    expect(alone.skipped).toEqual([
      { service: "a", reason: "held until the next release" },
      { service: "b", reason: "held until the next release" },
    ]);
    expect(alone.changed).toBe(false);
    const file = source.replace("  a:\n", "  a:\n    x-stackmod: {strategy: hold, hold: {until: 3}}\n");
    const error = stackmodErrorOf(() => rewriteWith(file, { file: "stack.yml" }, strategies));
    expect([error.code, error.line, error.column]).toEqual(["BAD_OPTION", 4, 48]);
    expect(error.message).toBe(
      "`services.a.x-stackmod.hold.until`: expected a string here; see `stackmod transforms` for each option's type",
    );
    const unknown = stackmodErrorOf(() => rewrite(file, { file: "stack.yml" }));
    expect(unknown.message).toContain("allowed: publish, proxy, split, lan, skip");
  });

  it("gets its flag, its `stackmod transforms` section and its rows in the options table", () => {
    const flag = optionFlagsOf(strategies).find((f) => f.flags === "--hold-until <when>");
    expect(flag).toMatchObject({
      attribute: "holdUntil",
      description: "hold: when to rewrite it",
      sets: ["hold.until"],
    });
    expect(optionFlagsOf(strategies).at(-1)?.flags).toBe("--port <service=port>");
    expect(describeTransforms(strategies)).toContain(
      "hold: leave the service for later, saying why\n" +
        '    hold.until: string; default "the next release"\n' +
        "        when the service is to be rewritten\n",
    );
    expect(optionRows(strategies).map((row) => row.option)).toContain("`hold.until`");
    expect(describeTransforms()).not.toContain("hold.until");
  });

  it("is read from the command line through its flag, an invalid value named by its flag", () => {
    expect(cliOptions({ strategy: "lan", lanRange: ["node-a=10.0.0.0/28"] })).toEqual({
      strategy: "lan",
      lan: { ipRanges: { "node-a": "10.0.0.0/28" } },
    });
    const error = stackmodErrorOf(() => cliOptions({ direction: "sideways" }));
    expect([error.code, error.message]).toEqual([
      "BAD_OPTION",
      "--direction sideways: expected one of inbound, outbound",
    ]);
    const publish = cliOptions({ publish: "host" });
    expect(publish).toEqual({ proxy: { publish: "host" }, queue: { publish: "host" } });
  });
});

describe("a strategy with a bug", () => {
  const broken = defineStrategy({
    name: "broken",
    summary: "throws what a bug throws",
    optionsKey: "broken",
    optionsSchema: z.object({}),
    flags: [],
    apply() {
      throw new Error("internal: overlapping edits at offset 1");
    },
  });

  it("is an INTERNAL StackmodError at the file's start, not the plain Error it threw", () => {
    const options = { services: { a: { strategy: "broken" } } };
    const error = stackmodErrorOf(() =>
      rewriteWith(source, { file: "stack.yml", options: options as never }, [...transforms, broken]),
    );
    expect([error.code, error.file, error.line, error.column]).toEqual(["INTERNAL", "stack.yml", 1, 1]);
    expect(error.message).toBe(
      "stackmod failed unexpectedly (Error: internal: overlapping edits at offset 1); nothing was written " +
        "for this file. Please report it with the file",
    );
  });
});
