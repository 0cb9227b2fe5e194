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
import { leaveHostNetwork } from "../../src/strategies/shared/leave-host-network.js";
import { formatRewriteReport } from "../../src/emit/text.js";
import {
  formatFlow,
  lost,
  offTheHost,
  portText,
  type FlowReasoning,
  type Placement,
} from "../../src/analysis/flows.js";

/**
 * A strategy that leaves every service it is given as it is, with a reason, or (`leave: true`) takes it
 * off the host network and holds what it received there: written the way a new strategy is (one module
 * behind the contract, its flows and its placement of its own type), added to the registry's list and
 * nothing else.
 */
const hold = defineStrategy({
  name: "hold",
  summary: "leave the service for later, saying why",
  optionsKey: "hold",
  optionsSchema: z.object({
    until: z._default(z.string(), "the next release").check(z.describe("when the service is to be rewritten")),
    leave: z._default(z.boolean(), false).check(z.describe("take it off the host network now, its host ports held")),
  }),
  flags: [{ flags: "--hold-until <when>", attribute: "holdUntil", option: "until", help: "when to rewrite it" }],
  impliedBy: "until",
  undecided: { instead: "`--hold-until WHEN` to leave it for later" },
  apply(ctx) {
    if (!ctx.options.leave) return { applied: false, reason: `held until ${ctx.options.until}` };
    leaveHostNetwork(ctx.service, ctx.edits);
    return { applied: true, placement: { until: ctx.options.until } };
  },
  flows: heldFlows,
});

/** What it received on the host waits; the overlay side is the shared one of a service off the host. */
function heldFlows(at: Placement<{ until: string }>): FlowReasoning {
  const held = `held until ${at.detail.until}`;
  return {
    hostPort: (port) => lost(`${held}: nothing receives ${portText(port)} on the host network meanwhile`),
    lanUse: () => lost(held),
    ...offTheHost(at.service),
  };
}

// A strategy must say what becomes of each flow of the services it rewrites: one without `flows` does not
// compile. `npm run lint` type-checks this file (tsc -p tsconfig.test.json) and fails if that ever stops.
// @ts-expect-error -- property 'flows' is missing
defineStrategy({
  name: "mute",
  summary: "says nothing of its flows",
  optionsKey: "mute",
  optionsSchema: z.object({}),
  flags: [],
  apply: () => ({ applied: false, reason: "muted" }),
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

  it("that rewrites a service reports the flows its own reasoning gives, from the placement it handed back", () => {
    const file = [
      'version: "3.8"',
      "services:",
      "  a:",
      "    image: example/a:1",
      "    networks: [hostnet, backend]",
      '    environment: {DB: "db:5432"}',
      "  web:",
      "    image: example/web:1",
      "    networks: [backend]",
      '    environment: {API: "http://a:8080"}',
      "  db:",
      "    image: postgres:16",
      "    networks: [backend]",
      "networks:",
      "  hostnet: {external: true, name: host}",
      "  backend: {driver: overlay}",
      "",
    ].join("\n");
    const held = { strategy: "hold", ports: ["8080"], hold: { until: "Friday", leave: true } };
    const result = rewriteWith(file, { file: "stack.yml", options: { services: { a: held } } as never }, strategies);
    expect(result.output).toBe(file.replace("[hostnet, backend]", "[backend]"));
    expect(result.flows.map(formatFlow)).toEqual([
      "LAN → a 8080/tcp: LOST — held until Friday: nothing receives 8080/tcp on the host network meanwhile",
      "web → a:8080: kept, directly: the service is on its other networks now",
      "a → db:5432: kept, the service keeps its overlay networks",
    ]);
    expect(result.flows.map((f) => [f.service, f.line, f.column])).toEqual([
      ["a", 3, 3],
      ["a", 3, 3],
      ["a", 3, 3],
    ]);
    expect(formatRewriteReport(result, false)).toEqual([
      'stack.yml: rewrote "a" with hold (dry run)',
      "  a: strategy hold as given",
      "warning: flow LAN → a 8080/tcp: LOST — held until Friday: nothing receives 8080/tcp on the host network " +
        "meanwhile",
      "  flow web → a:8080: kept, directly: the service is on its other networks now",
      "  flow a → db:5432: kept, the service keeps its overlay networks",
    ]);
  });

  it("adds its own way out to the error for a service nothing decides, and its implying option chooses it", () => {
    const error = stackmodErrorOf(() => rewriteWith(source, { file: "stack.yml" }, strategies));
    expect(error.code).toBe("UNDECIDED");
    expect(error.message.slice(error.message.indexOf("Choose: "))).toBe(
      "Choose: `--port a=PORT/PROTO` (then publish, or proxy for broadcasts), " +
        "`--strategy publish|proxy|split|lan|hold`, `--direction outbound` to keep it on the host, or " +
        "`--hold-until WHEN` to leave it for later",
    );
    const implied = rewriteWith(
      source,
      { file: "stack.yml", options: { hold: { until: "May" } } as never },
      strategies,
    );
    expect(implied.skipped).toEqual([
      { service: "a", reason: "held until May" },
      { service: "b", reason: "held until May" },
    ]);
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
    flows: heldFlows,
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
