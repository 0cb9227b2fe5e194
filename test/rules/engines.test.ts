import { describe, expect, test } from "vitest";
import { check, rewrite, type StackmodOptions } from "../../src/index.js";
import { describeRanges, inRanges, newestEngine, nextBite, parseEngine } from "../../src/rules/engines.js";
import { rules } from "../../src/rules/index.js";
import { runCli } from "../helpers/run-cli.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

const stack = (top = "") =>
  `${top}services:\n  bacnet:\n    image: x\n    networks: [hostnet, backend]\n` +
  "networks:\n  hostnet: {external: true, name: host}\n  backend: {}\n";

const v = (text: string) => parseEngine(text)!;

describe("engine versions", () => {
  test("parse as written, a missing part as 0", () => {
    expect(parseEngine("27.5")).toMatchObject({ major: 27, minor: 5, patch: 0, text: "27.5" });
    expect(parseEngine("v28.0.1")).toMatchObject({ major: 28, minor: 0, patch: 1, text: "28.0.1" });
    for (const bad of ["", "latest", "28.x", "28.0.1.2", "-1", "28.0.1-rc.1"]) expect(parseEngine(bad)).toBeUndefined();
  });

  test("ranges include from and exclude until", () => {
    const swarm = [{ until: "25.0.0" }, { from: "28.0.0" }];
    expect(inRanges(v("24.0.9"), swarm)).toBe(true);
    expect(inRanges(v("25.0"), swarm)).toBe(false);
    expect(inRanges(v("27.5.1"), swarm)).toBe(false);
    expect(inRanges(v("28"), swarm)).toBe(true);
    expect(nextBite(v("27.5"), swarm)).toBe("28.0.0");
    expect(nextBite(v("28.1"), swarm)).toBeUndefined();
    expect(describeRanges(swarm)).toBe("before 25.0.0; 28.0.0 and later");
    expect(describeRanges([{}])).toBe("every engine");
  });

  test("every rule states its engines per dialect it looks at, and its texts' engines parse", () => {
    for (const rule of rules) {
      for (const dialect of rule.dialects) expect(rule.engines[dialect].length, rule.id).toBeGreaterThan(0);
      for (const text of rule.texts) {
        expect(text.source, rule.id).toMatch(/\S/);
        for (const range of text.engines)
          for (const end of [range.from, range.until]) if (end) expect(parseEngine(end), end).toBeDefined();
      }
      expect(rule.docs.sources.length, rule.id).toBeGreaterThan(0);
    }
  });
});

describe("check --engine", () => {
  test("by default the newest engine: host-plus-network is an error", () => {
    const result = check(stack());
    expect(result.engine).toBe(newestEngine);
    expect(result.findings).toMatchObject([{ rule: "host-plus-network", severity: "error" }]);
  });

  test("on 27.5 a Swarm task runs by the loophole: a warning that says from when it bites", () => {
    const [finding] = check(stack(), { engine: "27.5" }).findings;
    expect(finding).toMatchObject({ rule: "host-plus-network", severity: "warning", bitesFrom: "28.0.0" });
    expect(finding!.message).toMatch(
      /^on Engine 27\.5 this runs today by a loophole closed in 28\.0\.0: service "bacnet"/,
    );
  });

  test("on 24.0 it is refused again, and in a Compose file on every engine", () => {
    expect(check(stack(), { engine: "24.0" }).findings).toMatchObject([{ severity: "error" }]);
    const compose = check(stack(), { engine: "27.5", target: "compose" });
    expect(compose.findings).toMatchObject([{ rule: "host-plus-network", severity: "error" }]);
  });

  test("x-stackmod.engine at the top level is read as written (28.10 is not 28.1); --engine wins", () => {
    const file = stack('version: "3.8"\nx-stackmod:\n  engine: 27.10\n');
    expect(check(file).engine).toBe("27.10");
    expect(check(file).findings[0]!.severity).toBe("warning");
    expect(check(file, { engine: "28.0.0" }).findings[0]!.severity).toBe("error");
  });

  test("a bad engine is one clear error at its place", () => {
    const error = stackmodErrorOf(() => check(stack("x-stackmod:\n  engine: latest\n")));
    expect(error).toMatchObject({ code: "BAD_OPTION", line: 2, column: 11 });
    expect(stackmodErrorOf(() => check(stack(), { engine: "new" }))).toMatchObject({ code: "USAGE" });
  });

  test("rewrite takes the engine too: on 27.5 nothing bites, so nothing is rewritten", () => {
    const options: StackmodOptions = { ports: ["47808/udp"] };
    const result = rewrite(stack(), { engine: "27.5", options });
    expect(result.changed).toBe(false);
    expect(result.engine).toBe("27.5");
    expect(rewrite(stack(), { options }).changed).toBe(true);
  });

  test("the CLI: --engine on check, exit 0 on 27.5 and 1 on 28", async () => {
    const old = await runCli(["check", "-", "--engine", "27.5"], { stdin: stack() });
    expect(old.code).toBe(0);
    expect(old.stdout).toContain("loophole closed in 28.0.0");
    expect((await runCli(["check", "-", "--engine", "28.0.0"], { stdin: stack() })).code).toBe(1);
    const bad = await runCli(["check", "-", "--engine", "soon"], { stdin: stack() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--engine soon: expected an engine version");
  });

  test("json carries the engine and bitesFrom", async () => {
    const run = await runCli(["check", "-", "--engine", "27.5", "--format", "json"], { stdin: stack() });
    const report = JSON.parse(run.stdout);
    expect(report.files[0].engine).toBe("27.5");
    expect(report.files[0].findings[0].bitesFrom).toBe("28.0.0");
  });
});

describe("stackmod explain", () => {
  test("prints a rule's engines, every engine text with its source, its fix and its sources", async () => {
    const run = await runCli(["explain", "host-plus-network"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Bites on: stack files: before 25.0.0; 28.0.0 and later; Compose files: every engine");
    for (const text of [
      "container sharing network namespace with another container or host cannot be connected to any other network",
      "cannot connect container to host network - container must be created in host network mode",
      "container cannot be disconnected from host network or connected to host network",
    ])
      expect(run.stdout).toContain(`"${text}"`);
    expect(run.stdout).toContain("runconfig/errors.go at v28.0.2");
    expect(run.stdout).toContain("Fix by stackmod rewrite:");
  });

  test("every rule explains itself; without a rule, the list; an unknown rule is exit 2", async () => {
    for (const rule of rules) {
      const run = await runCli(["explain", rule.id]);
      expect(run.code, rule.id).toBe(0);
      expect(run.stdout).toContain(rule.docs.full.slice(0, 40));
    }
    const list = await runCli(["explain"]);
    for (const rule of rules) expect(list.stdout).toContain(rule.id);
    const unknown = await runCli(["explain", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no rule "nope"');
  });
});
