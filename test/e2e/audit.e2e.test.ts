// `stackmod audit` against the real engine: refused stacks and clean ones, a service made without a stack, every
// request seen by a recording proxy that refuses anything but GET. STACKMOD_AUDIT_CAPTURE=1 also writes what the
// engine answered to test/engine-api/<engine version>/ for the recorded-response test.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordingProxy } from "../helpers/engine-api.mjs";
import { REPO, stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { possibleRefusals, REFUSAL } from "./refusal.js";
import { poll } from "./run.js";
import { deployStack, removeStack, waitConverged, waitForTaskError } from "./stack.js";
import { timed } from "./timing.js";

const engine = e2eEngine();
const schema = JSON.parse(readFileSync(join(REPO, "schema", "audit-v1.schema.json"), "utf8"));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }).compile(schema);
const stackFile = (name: string) => fileURLToPath(new URL(`./stacks/${name}`, import.meta.url));

interface JsonFinding {
  rule: string;
  refusedNow: boolean;
  failingTasks: { error?: string; state: string }[];
  target?: { version: string; refused: boolean; texts: string[] };
}
interface JsonService {
  name: string;
  stack: string | null;
  image: string;
  status: string;
  networks: { name: string; driver: string }[];
  findings: JsonFinding[];
  next?: { kind: string; file?: string; command?: string; text?: string };
}
interface JsonAudit {
  exitCode: number;
  engine: { version: string; apiVersion: string; url: string };
  services: JsonService[];
}

/** service name -> its rule ids, for the services with findings. */
const ruleMap = (audit: JsonAudit) =>
  Object.fromEntries(
    audit.services.filter((s) => s.findings.length > 0).map((s) => [s.name, s.findings.map((f) => f.rule)]),
  );

describe.skipIf(!engine)("stackmod audit on a real engine", () => {
  const e = engine!;
  const engineSocket = e.dockerHost.replace(/^unix:\/\//, "");
  const proxySocket = join(e.dir, "audit-proxy.sock");
  const host = `unix://${proxySocket}`;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  beforeAll(async () => {
    proxy = await recordingProxy(engineSocket, proxySocket);
    await timed(e.dir, "audit: deploy", async () => {
      await buildImage(e, "registry.example.com/plant/gateway:2.4", SOCAT_IMAGE);
      await deployStack(e, [stackFile("audit-refused.yml"), stackFile("audit-refused-dnsrr.override.yml")], "auditbad");
      await deployStack(e, [stackFile("audit-clean.yml"), stackFile("audit-dnsrr.override.yml")], "auditok");
      await docker(e, ["network", "create", "-d", "overlay", "audit-plain"]);
      const create = ["service", "create", "-d", "--stop-grace-period", "1s", "--name"];
      await docker(e, [
        ...create,
        "loose-gw",
        "--network",
        "host",
        "--network",
        "audit-plain",
        "stackmod-e2e/socat:latest",
        "sleep",
        "3600",
      ]);
      await docker(e, [
        ...create,
        "loose-ok",
        "--network",
        "audit-plain",
        "--endpoint-mode",
        "dnsrr",
        "stackmod-e2e/socat:latest",
        "sleep",
        "3600",
      ]);
      await waitConverged(e, "auditok", 60_000);
      for (const service of ["auditbad_gw", "auditbad_web"])
        await poll(`a refused task of ${service}`, 60_000, async () => {
          const r = await docker(e, ["service", "ps", "--no-trunc", "--format", "{{.Error}}", service]);
          return REFUSAL.test(r.stdout) ? true : undefined;
        });
      await waitForTaskError(e, "auditbad", REFUSAL, 60_000);
      await poll("loose-gw to be refused", 60_000, async () => {
        const r = await docker(e, ["service", "ps", "--no-trunc", "--format", "{{.Error}}", "loose-gw"]);
        return REFUSAL.test(r.stdout) ? true : undefined;
      });
      await poll("auditbad_ok and loose-ok to run", 60_000, async () => {
        const r = await docker(e, ["service", "ls", "--format", "{{.Name}} {{.Replicas}}"]);
        const ok = ["auditbad_ok 1/1", "loose-ok 1/1"].every((line) => r.stdout.includes(line));
        return ok ? true : undefined;
      });
    });
  });

  afterAll(async () => {
    await docker(e, ["service", "rm", "loose-gw", "loose-ok"], { allowFail: true });
    await removeStack(e, "auditbad");
    await removeStack(e, "auditok");
    await docker(e, ["network", "rm", "audit-plain"], { allowFail: true });
    await proxy?.close();
  });

  it("finds exactly the refused services, with their stacks, rule ids and the engine's task texts", async () => {
    const r = await timed(e.dir, "audit: json", () => stackmod(["audit", "--host", host, "--format", "json"]));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const audit = JSON.parse(r.stdout) as JsonAudit;
    if (process.env.STACKMOD_AUDIT_CAPTURE === "1") capture(e.serverVersion, proxy.exchanges.slice());
    expect(audit.engine.version).toBe(e.serverVersion);
    expect(ruleMap(audit)).toEqual({
      auditbad_gw: ["host-plus-network"],
      auditbad_web: ["host-ingress-port"],
      "loose-gw": ["host-plus-network"],
    });
    const byName = Object.fromEntries(audit.services.map((s) => [s.name, s]));
    expect(byName.auditbad_gw!.stack).toBe("auditbad");
    expect(byName.auditbad_gw!.image).toMatch(/^registry\.example\.com\/plant\/gateway:2\.4/);
    expect(byName.auditbad_web!.stack).toBe("auditbad");
    expect(byName["loose-gw"]!.stack).toBeNull();
    expect(byName.auditbad_gw!.networks.map((n) => `${n.name}/${n.driver}`).sort()).toEqual([
      "auditbad_app/overlay",
      "host/host",
    ]);
    for (const name of ["auditbad_gw", "auditbad_web", "loose-gw"]) {
      const [finding] = byName[name]!.findings;
      expect(finding!.failingTasks.length, name).toBeGreaterThan(0);
      for (const task of finding!.failingTasks)
        expect(
          possibleRefusals(e.serverVersion).filter((t) => task.error?.includes(t)),
          name,
        ).toHaveLength(1);
      expect(finding!.refusedNow).toBe(true);
    }
    for (const name of ["auditbad_ok", "auditok_collector", "auditok_api", "loose-ok"]) {
      expect(byName[name]!.status, name).toBe("clean");
      expect(byName[name]!.findings).toEqual([]);
    }
    expect(byName.auditbad_gw!.next?.text).toContain("`docker stack` has no export");
    expect(byName["loose-gw"]!.next?.kind).toBe("not-a-stack");
  });

  it("prints the same as text, and as SARIF and GitHub annotations", async () => {
    const text = await stackmod(["audit", "--host", host]);
    expect(text.code).toBe(1);
    const lines = text.stdout.split("\n");
    expect(lines[0]).toBe(`engine ${e.serverVersion} (API 1.41) at ${host} (--host): 7 services in 2 stacks`);
    expect(text.stdout).toContain(
      "auditbad/auditbad_gw (stack auditbad, image registry.example.com/plant/gateway:2.4): error host-plus-network:",
    );
    expect(text.stdout).toMatch(new RegExp(`task(s)? refused: "(${possibleRefusals(e.serverVersion).join("|")})"`));
    expect(lines.filter((l) => / error /.test(l))).toHaveLength(3);
    expect(text.stdout).toMatch(/3 conflicts in 3 services \(3 with tasks failing now\)\n$/);

    const sarif = JSON.parse((await stackmod(["audit", "--host", host, "--format", "sarif"])).stdout);
    const results = sarif.runs[0].results as {
      ruleId: string;
      locations: { logicalLocations: { fullyQualifiedName: string }[] }[];
    }[];
    expect(results.map((x) => `${x.ruleId} ${x.locations[0]!.logicalLocations[0]!.fullyQualifiedName}`).sort()).toEqual(
      [
        "host-ingress-port auditbad/auditbad_web",
        "host-plus-network auditbad/auditbad_gw",
        "host-plus-network loose-gw",
      ],
    );
    const github = await stackmod(["audit", "--host", host, "--format", "github"]);
    expect(
      github.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split("::")[1]),
    ).toEqual([
      "error title=stackmod host-plus-network (auditbad/auditbad_gw)",
      "error title=stackmod host-ingress-port (auditbad/auditbad_web)",
      "error title=stackmod host-plus-network (loose-gw)",
    ]);
    expect(github.code).toBe(1);
  });

  it("with --engine and --stack-dir: what changes on the target, and the stack file's rewrite command", async () => {
    const dir = mkdtempSync(join(e.dir, "stacks-"));
    copyFileSync(stackFile("audit-refused.yml"), join(dir, "auditbad.yml"));
    mkdirSync(join(dir, "auditok"));
    copyFileSync(stackFile("audit-clean.yml"), join(dir, "auditok", "docker-compose.yml"));
    const r = await stackmod(["audit", "--host", host, "--format", "json", "--engine", "28.0.2", "--stack-dir", dir]);
    expect(r.code).toBe(1);
    const audit = JSON.parse(r.stdout) as JsonAudit;
    expect(validate(audit), JSON.stringify(validate.errors)).toBe(true);
    const gw = audit.services.find((s) => s.name === "auditbad_gw")!;
    expect(gw.findings[0]!.target).toEqual({
      version: "28.0.2",
      refused: true,
      texts: [
        "container sharing network namespace with another container or host cannot be connected to any other network",
        "cannot connect container to host network - container must be created in host network mode",
      ],
    });
    const file = join(dir, "auditbad.yml");
    expect(gw.next).toEqual({
      kind: "rewrite",
      file,
      command: `stackmod rewrite ${file}, then docker stack deploy -c ${file} auditbad`,
    });
    // The same services and rule ids as `check` finds in the file the stack was deployed from.
    const check = JSON.parse((await stackmod(["check", file, "--format", "json"])).stdout);
    const fromFile = check.files[0].findings.map(
      (f: { service: string; rule: string }) => `auditbad_${f.service} ${f.rule}`,
    );
    const fromEngine = audit.services
      .filter((s) => s.stack === "auditbad")
      .flatMap((s) => s.findings.map((f) => `${s.name} ${f.rule}`));
    expect(fromEngine.sort()).toEqual(fromFile.sort());
  });

  it("is read-only: every request it made was a GET, and the proxy does refuse anything else", async () => {
    expect(proxy.exchanges.length).toBeGreaterThan(0);
    expect(proxy.refused).toEqual([]);
    expect(new Set(proxy.exchanges.map((x) => x.method))).toEqual(new Set(["GET"]));
    // The proxy is not a test that cannot fail: a request that changes something is refused and recorded.
    const write = await docker({ ...e, dockerHost: host }, ["network", "create", "audit-never"], { allowFail: true });
    expect(write.code).not.toBe(0);
    expect(proxy.refused).toContainEqual(expect.stringMatching(/^POST \/v1\.\d+\/networks\/create$/));
    proxy.refused.length = 0;
  });

  it("the engine's own refusal of a request is exit 2 and one line: the URL and the engine's message", async () => {
    const r = await stackmod(["audit", "--host", host], { env: { DOCKER_API_VERSION: "1.99" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `stackmod audit: ${host}: GET /v1.99/services: HTTP 400: client version 1.99 is too new. Maximum supported ` +
        `API version is 1.41\n`,
    );
  });
});

/** Writes what the engine answered, for test/audit-recorded.test.ts. */
function capture(serverVersion: string, exchanges: { method: string; path: string }[]) {
  const dir = join(REPO, "test", "engine-api", serverVersion);
  mkdirSync(dir, { recursive: true });
  const doc = {
    comment: "Captured from the real engine by test/e2e/audit.e2e.test.ts with STACKMOD_AUDIT_CAPTURE=1; not edited.",
    engine: serverVersion,
    exchanges,
  };
  writeFileSync(join(dir, "audit.json"), JSON.stringify(doc, null, 1) + "\n");
}
