// `stackmod audit` on what real engines answered: every folder of test/engine-api/ was captured by the
// e2e suite (test/e2e/audit.e2e.test.ts with STACKMOD_AUDIT_CAPTURE=1) from the stacks in test/e2e/stacks/,
// never written by hand, and is replayed here on a unix socket.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineOf } from "../../src/audit/refusals.js";
import { inRanges } from "../../src/rules/engines.js";
import { findRule } from "../../src/rules/index.js";
import { replayServer } from "../helpers/engine-api.mjs";
import { runCli } from "../helpers/run-cli.js";
import { testUrl } from "../helpers/paths.js";

const root = new URL("./engine-api/", testUrl);
const schema = JSON.parse(readFileSync(new URL("../schema/audit-v1.schema.json", testUrl), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);
const engines = readdirSync(root);

describe.each(engines)("recorded from engine %s", (engineVersion) => {
  const recorded = JSON.parse(readFileSync(new URL(`${engineVersion}/audit.json`, root), "utf8")) as {
    exchanges: { method: string; path: string; status: number; contentType: string; body: string }[];
  };
  const socket = join(mkdtempSync(join(tmpdir(), "stackmod-replay-")), "engine.sock");
  const host = `unix://${socket}`;
  let server: Awaited<ReturnType<typeof replayServer>>;
  beforeAll(async () => void (server = await replayServer(recorded.exchanges, socket)));
  afterAll(() => server.close());

  const version = engineOf(engineVersion)!;
  const texts = findRule("host-plus-network")!
    .texts.filter((t) => inRanges(version, t.engines))
    .map((t) => t.text);

  it("finds the refused services, their stacks, rule ids and the texts this engine shows", async () => {
    const r = await runCli(["audit", "--host", host, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const audit = JSON.parse(r.stdout);
    expect(validate(audit), JSON.stringify(validate.errors)).toBe(true);
    const withTarget = JSON.parse(
      (await runCli(["audit", "--host", host, "--format", "json", "--engine", "28"])).stdout,
    );
    expect(validate(withTarget), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...audit, services: [{ ...audit.services[0], status: "maybe" }] })).toBe(false);
    expect(audit.engine.version).toBe(engineVersion);
    const found = audit.services.filter((s: { findings: unknown[] }) => s.findings.length > 0);
    expect(
      found.map((s: { name: string; stack: string | null; findings: { rule: string }[] }) => [
        s.stack,
        s.name,
        s.findings.map((f) => f.rule),
      ]),
    ).toEqual([
      ["auditbad", "auditbad_gw", ["host-plus-network"]],
      ["auditbad", "auditbad_web", ["host-ingress-port"]],
      [null, "loose-gw", ["host-plus-network"]],
    ]);
    for (const service of found)
      for (const task of service.findings[0].failingTasks)
        expect(texts.filter((t) => task.error.includes(t))).toHaveLength(1);
    const clean = audit.services
      .filter((s: { status: string }) => s.status === "clean")
      .map((s: { name: string }) => s.name);
    expect(clean.sort()).toEqual(["auditbad_ok", "auditok_api", "auditok_collector", "loose-ok"]);
  });

  it("asks in the lower of the engine's API version and its own, or in DOCKER_API_VERSION", async () => {
    const engineApi = JSON.parse(recorded.exchanges.find((x) => x.path === "/version")!.body).ApiVersion as string;
    server.asked.length = 0;
    await runCli(["audit", "--host", host]);
    expect(server.asked.slice(0, 4)).toEqual([
      "GET /version",
      `GET /v${engineApi}/services`,
      `GET /v${engineApi}/networks`,
      `GET /v${engineApi}/tasks`,
    ]);
    server.asked.length = 0;
    await runCli(["audit", "--host", host], { env: { DOCKER_API_VERSION: "1.30" } });
    expect(server.asked[1]).toBe("GET /v1.30/services");
    expect(server.asked.every((request) => request.startsWith("GET "))).toBe(true);
  });

  it("judges the same services for a target engine: refused on 28.0.0, running on 27.5 by the loophole", async () => {
    const on = async (target: string) =>
      JSON.parse((await runCli(["audit", "--host", host, "--format", "json", "--engine", target])).stdout);
    const targets = (audit: { services: { findings: { target: { refused: boolean } }[] }[] }) =>
      audit.services.flatMap((s) => s.findings.map((f) => f.target.refused));
    expect(targets(await on("28"))).toEqual([true, true, true]);
    expect(targets(await on("27.5"))).toEqual([false, false, false]);
  });
});

it("has recorded at least one engine", () => {
  expect(engines.length).toBeGreaterThan(0);
});
