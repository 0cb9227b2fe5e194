import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { Log } from "sarif";
import { beforeAll, describe, expect, test } from "vitest";
import { rules } from "../../src/rules/index.js";
import { runCli } from "../helpers/run-cli.js";
import { testUrl } from "../helpers/paths.js";

/**
 * The official SARIF 2.1.0 schema is draft-04; ajv 8 reads draft-07. For what
 * this schema uses, the only difference is the name of the top-level `id`
 * keyword (`$id` since draft-06) and the meta-schema URI, so those two are
 * adapted and nothing else. Its `language` pattern has a stray `]` that only
 * the `u` flag rejects, so patterns are compiled without it, as draft-04 did.
 */
function officialSarifValidator() {
  const official = JSON.parse(readFileSync(new URL("./schemas/sarif-2.1.0-rtm.5.json", testUrl), "utf8"));
  const { id, $schema: _draft04, ...rest } = official;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile({ $id: id, ...rest });
}

const validate = officialSarifValidator();

function sarifOf(stdout: string): Log {
  const log = JSON.parse(stdout) as Log;
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
  return log;
}

let dir: string;
let spaced: string;
let broken: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stackmod-sarif-"));
  spaced = join(dir, "my stack.yml");
  broken = join(dir, "broken-stack.yml");
  writeFileSync(spaced, readFileSync("examples/homeassistant-stack.yml"));
  writeFileSync(broken, "services:\n  web:\n    image: a\n    image: b\n");
});

describe("--format sarif", () => {
  test("validates against the official SARIF 2.1.0 schema, and the validator rejects a broken log", async () => {
    const run = await runCli(["check", "examples/", "--format", "sarif"]);
    expect(run.code).toBe(1);
    sarifOf(run.stdout);
    expect(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] })).toBe(false);
    expect(validate({ version: "2.0.0", runs: [] })).toBe(false);
  });

  test("rules carry what GitHub code scanning shows: descriptions, help, default level", async () => {
    const log = sarifOf((await runCli(["check", "examples/bacnet-stack.yml", "--format", "sarif"])).stdout);
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe("stackmod");
    expect(driver.rules!.map((r) => r.id)).toEqual([...rules.map((r) => r.id), "lost-flow"]);
    expect(driver.rules!.at(-1)!.defaultConfiguration!.level).toBe("warning");
    for (const [index, rule] of rules.entries()) {
      const descriptor = driver.rules![index]!;
      expect(descriptor.shortDescription!.text).toBe(rule.summary.replace(/`/g, ""));
      expect(descriptor.fullDescription!.text).toBe(rule.docs.full.replace(/`/g, ""));
      expect(descriptor.help!.markdown).toBe(rule.docs.help);
      expect(descriptor.defaultConfiguration!.level).toBe(rule.severity);
    }
  });

  test("results point at the exact line and column, quote the engine, and reference their rule", async () => {
    const log = sarifOf((await runCli(["check", "examples/bacnet-stack.yml", "--format", "sarif"])).stdout);
    const run = log.runs[0]!;
    expect(run.results).toHaveLength(1);
    const result = run.results![0]!;
    expect(result.ruleId).toBe("host-plus-network");
    expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe("host-plus-network");
    expect(result.level).toBe("error");
    expect(result.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "examples/bacnet-stack.yml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 11, startColumn: 9 },
    });
    expect(result.message.text).toContain(
      "container sharing network namespace with another container or host cannot be connected to any other network",
    );
    expect(Object.values(result.partialFingerprints!)[0]).toMatch(/^[0-9a-f]{32}$/);
  });

  test("absolute paths become file URIs (spaces encoded); unreadable files are tool notifications", async () => {
    const run = await runCli(["check", spaced, broken, "--format", "sarif"]);
    expect(run.code).toBe(2);
    const log = sarifOf(run.stdout);
    const result = log.runs[0]!.results![0]!;
    expect(result.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe(pathToFileURL(spaced).href);
    expect(pathToFileURL(spaced).href).toContain("my%20stack.yml");
    const invocation = log.runs[0]!.invocations![0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toHaveLength(1);
    expect(invocation.toolExecutionNotifications![0]).toMatchObject({
      level: "error",
      descriptor: { id: "YAML_DUPLICATE_KEY" },
      locations: [{ physicalLocation: { region: { startLine: 4, startColumn: 5 } } }],
    });
  });

  test("rewrite: a LOST flow is a warning at the service's name, as in the text report", async () => {
    const run = await runCli(["rewrite", "examples/bacnet-stack.yml", "--format", "sarif"]);
    expect(run.code).toBe(0);
    const log = sarifOf(run.stdout);
    const results = log.runs[0]!.results!;
    expect(results.map((r) => `${r.ruleId} ${r.level}`)).toEqual(["host-plus-network error", "lost-flow warning"]);
    const lost = results[1]!;
    expect(log.runs[0]!.tool.driver.rules![lost.ruleIndex!]!.id).toBe("lost-flow");
    expect(lost.message.text).toBe(
      "flow bacnet → LAN: broadcast Who-Is (device discovery): LOST — a proxy cannot send broadcasts or join groups " +
        "for it; use --direction outbound or --strategy lan",
    );
    // `bacnet:` under services: is line 5, column 3 of the example.
    expect(readFileSync("examples/bacnet-stack.yml", "utf8").split("\n")[4]).toBe("  bacnet:");
    expect(lost.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "examples/bacnet-stack.yml", uriBaseId: "%SRCROOT%" },
      region: { startLine: 5, startColumn: 3 },
    });
    expect(lost.locations![0]!.logicalLocations).toEqual([{ name: "bacnet", kind: "object" }]);
    expect(Object.values(lost.partialFingerprints!)[0]).toMatch(/^[0-9a-f]{32}$/);
    // A rewrite whose flows are all kept has no lost-flow result.
    const kept = sarifOf((await runCli(["rewrite", "examples/adguard-stack.yml", "--format", "sarif"])).stdout);
    expect(kept.runs[0]!.results!.map((r) => r.ruleId)).not.toContain("lost-flow");
  });

  test("rewrite --check reports the findings it would fix", async () => {
    const run = await runCli(["rewrite", "examples/compose-network-mode.yml", "--check", "--format", "sarif"]);
    expect(run.code).toBe(1);
    const log = sarifOf(run.stdout);
    expect(log.runs[0]!.results!.map((r) => r.ruleId)).toEqual(["network-mode-with-networks"]);
  });
});
