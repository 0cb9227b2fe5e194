import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { beforeAll, describe, expect, test } from "vitest";
import { rules } from "../../src/rules/index.js";
import { rewrite, type StackmodOptions } from "../../src/index.js";
import { formatJson } from "../../src/emit/json.js";
import { version } from "../../src/version.js";
import { runCli } from "../helpers/run-cli.js";
import { testUrl } from "../helpers/paths.js";
import { withRuleIds } from "../../scripts/report-schema.js";

const schema = JSON.parse(readFileSync(new URL("../schema/report-v1.schema.json", testUrl), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);

function valid(report: unknown): void {
  const ok = validate(report);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

let dir: string;
let clean: string;
let broken: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stackmod-json-"));
  clean = join(dir, "clean-stack.yml");
  broken = join(dir, "broken-stack.yml");
  writeFileSync(clean, 'version: "3.8"\nservices:\n  web:\n    image: nginx\n');
  writeFileSync(broken, "services:\n  web: [\n");
});

describe("--format json", () => {
  test("check: one report on stdout, valid against schema/report-v1.schema.json, with exact counts", async () => {
    const run = await runCli(["check", "examples/bacnet-stack.yml", clean, broken, "--format", "json"]);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    valid(report);
    expect(report).toMatchObject({ version: 1, tool: { name: "stackmod", version }, command: "check", exitCode: 2 });
    expect(report.summary).toEqual({
      files: 3,
      failed: 1,
      errors: 1,
      warnings: 0,
      lostFlows: 0,
      changed: 0,
      written: 0,
    });
    expect(report.files.map((f: { status: string }) => f.status)).toEqual(["findings", "clean", "error"]);
    expect(report.files[0].findings[0]).toEqual({
      file: "examples/bacnet-stack.yml",
      line: 11,
      column: 9,
      rule: "host-plus-network",
      severity: "error",
      service: "bacnet",
      message:
        'service "bacnet" is on the host network ("hostnet") and on "backend"; Docker Engine 28+ refuses to start it',
      engineError:
        "container sharing network namespace with another container or host cannot be connected to any other network",
    });
    expect(report.files[2].error).toMatchObject({ file: broken, code: "YAML_SYNTAX" });
    expect(run.stderr).toContain(`${broken}:`);
  });

  test("rewrite --check: the diff travels inside the report, nothing else on stdout", async () => {
    const run = await runCli(["rewrite", "examples/bacnet-stack.yml", clean, "--check", "--format", "json"]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    valid(report);
    expect(report).toMatchObject({ command: "rewrite", mode: "check", exitCode: 1 });
    expect(report.summary).toMatchObject({ files: 2, changed: 1, written: 0 });
    const [bacnet, untouched] = report.files;
    expect(bacnet).toMatchObject({
      status: "changed",
      changed: true,
      written: false,
      applied: [{ service: "bacnet", strategy: "proxy" }],
    });
    expect(bacnet.diff.startsWith("--- a/examples/bacnet-stack.yml\n+++ b/examples/bacnet-stack.yml\n")).toBe(true);
    expect(untouched).toMatchObject({ status: "unchanged", changed: false, diff: "" });
  });

  test("rewrite: each rewritten service's flows, the default's reason; --strict exits 1 on a lost flow", async () => {
    const run = await runCli([
      "rewrite",
      "examples/bacnet-stack.yml",
      "examples/adguard-stack.yml",
      "--format",
      "json",
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    valid(report);
    const [bacnet, adguard] = report.files;
    expect(bacnet.applied[0]).toMatchObject({ strategy: "proxy", direction: "inbound" });
    expect(bacnet.applied[0].reason).toMatch(/^default from the evidence: it receives BACnet\/IP broadcasts/);
    const lost = bacnet.flows.filter((f: { status: string }) => f.status === "lost");
    expect(lost.map((f: { text: string }) => f.text)).toEqual([
      "bacnet → LAN: broadcast Who-Is (device discovery): LOST — a proxy cannot send broadcasts or join groups for " +
        "it; use --direction outbound or --strategy lan",
    ]);
    expect(lost.map((f: { line: number; column: number }) => [f.line, f.column])).toEqual([[5, 3]]);
    expect(report.summary).toMatchObject({ warnings: 0, lostFlows: 1 });
    expect(adguard.applied).toEqual([expect.objectContaining({ service: "adguard", strategy: "publish" })]);
    expect(adguard.flows[0]).toEqual({
      service: "adguard",
      from: "LAN",
      to: "adguard 53/udp",
      status: "kept",
      how: "published with mode: host at 53/udp on the node that runs it; clients keep their own address",
      via: [{ service: "adguard", on: "published", port: 53, protocol: "udp" }],
      line: 7,
      column: 3,
      text:
        "LAN → adguard 53/udp: kept, published with mode: host at 53/udp on the node that runs it; clients keep " +
        "their own address",
    });
    const strict = await runCli(["rewrite", "examples/bacnet-stack.yml", "--strict", "--format", "json"]);
    expect(strict.code).toBe(1);
    valid(JSON.parse(strict.stdout));
    expect((await runCli(["rewrite", "examples/adguard-stack.yml", "--strict"])).code).toBe(0);
  });

  test("rewrite (dry run) prints no diff beside the report; --stdout with --format json is a usage error", async () => {
    const run = await runCli(["rewrite", "examples/bacnet-stack.yml", "--format", "json"]);
    expect(run.code).toBe(0);
    valid(JSON.parse(run.stdout));
    const refused = await runCli(["rewrite", "examples/bacnet-stack.yml", "--stdout", "--format", "json"]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("--stdout prints the rewritten file");
  });

  test("rewrite with the lan strategy carries its setup script as an extra file", async () => {
    const run = await runCli(["rewrite", "examples/multicast-gateway-stack.yml", "--format", "json"]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    valid(report);
    const [extra] = report.files[0].extraFiles;
    expect(extra).toMatchObject({ path: "examples/multicast-gateway-stack.lan-setup.sh", mode: 0o755 });
    expect(extra.content.startsWith("#!/bin/sh\n")).toBe(true);
  });

  test("the schema's rule ids are the registry's, as npm run docs writes them (run it when this fails)", () => {
    const text = readFileSync(new URL("../schema/report-v1.schema.json", testUrl), "utf8");
    const ids = rules.map((r) => r.id);
    expect(withRuleIds(text, ids)).toBe(text);
    // A rule missing from the schema is put back where the registry has it, in the file's layout.
    const without = text
      .replace(/\n *"deploy-mode-case"/, "")
      .replace(/"compose-protocol-case",(\n *\])/, '"compose-protocol-case"$1');
    expect(without).not.toBe(text);
    expect(withRuleIds(without, ids)).toBe(text);
  });

  test("the schema names every rule and rejects reports that break it", () => {
    const ids = schema.definitions.finding.properties.rule.enum;
    expect([...ids].sort()).toEqual(rules.map((r) => r.id).sort());
    expect(
      validate({
        version: 2,
        tool: { name: "stackmod", version },
        command: "check",
        exitCode: 0,
        summary: {},
        files: [],
      }),
    ).toBe(false);
    expect(
      validate({
        version: 1,
        tool: { name: "stackmod", version },
        command: "check",
        exitCode: 0,
        summary: { files: 1, failed: 0, errors: 0, warnings: 0, lostFlows: 0, changed: 0, written: 0 },
        files: [
          {
            file: "a.yml",
            status: "clean",
            dialect: "swarm",
            findings: [{ file: "a.yml", line: 0, column: 1, rule: "x", severity: "error", service: "s", message: "m" }],
          },
        ],
      }),
    ).toBe(false);
  });
});

describe("--format json of every fixture's rewrite", () => {
  const root = new URL("fixtures/", testUrl);
  const cases = readdirSync(root)
    .filter((group) => group !== "rules")
    .flatMap((group) =>
      readdirSync(new URL(`${group}/`, root))
        .filter((name) => name.endsWith(".input.yml"))
        .map((name) => `${group}/${name.replace(/\.input\.yml$/, "")}`),
    )
    .sort();
  const read = (path: string) => {
    const url = new URL(path, root);
    return existsSync(url) ? readFileSync(url, "utf8") : undefined;
  };

  test("is valid against the schema: every fact a strategy reports in `applied` is declared there", () => {
    const facts = new Set<string>();
    for (const name of cases) {
      const options = JSON.parse(read(`${name}.options.json`) ?? "{}") as StackmodOptions;
      const target = read(`${name}.target`)?.trim() as "swarm" | "compose" | undefined;
      const fix = read(`${name}.fix`)?.split("\n").filter(Boolean);
      const result = rewrite(read(`${name}.input.yml`)!, {
        file: `${name}.yml`,
        options,
        ...(target ? { target } : {}),
        ...(fix ? { fix } : {}),
      });
      for (const applied of result.applied) for (const field of Object.keys(applied.facts ?? {})) facts.add(field);
      const report = JSON.parse(
        formatJson({
          command: "rewrite",
          mode: "diff",
          exitCode: 0,
          files: [{ kind: "rewritten", file: `${name}.yml`, result, written: false }],
        }),
      );
      expect(validate(report), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    // The fixtures report facts at all (proxy's direction), so the check above is not empty.
    expect([...facts]).toEqual(["direction"]);
  });
});
