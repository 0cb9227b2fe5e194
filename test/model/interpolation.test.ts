import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, rewrite, StackmodError } from "../../src/index.js";
import { interpolate, interpolateData } from "../../src/model/interpolate.js";
import { refusedByEngine } from "../helpers/engine-oracle.js";
import { runCli } from "../helpers/run-cli.js";
import { stackConfig } from "../helpers/stack-config.js";

/** `${VAR}` in network names and ports: resolved for detection, never expanded in the output. */
const stack = (hostName: string, port = '"47808:47808/udp"') => `version: "3.8"
services:
  bacnet:
    image: example/bacnet:1.4
    networks:
      - hostnet
    ports:
      - ${port}
networks:
  hostnet:
    external: true
    name: ${hostName}
`;

const cases: { name: string; text: string; env: Record<string, string>; refused: boolean }[] = [
  { name: "${VAR} set to host", text: stack("${HOST_NET}"), env: { HOST_NET: "host" }, refused: true },
  { name: "${VAR} unset: the name is empty, so the key", text: stack("${HOST_NET}"), env: {}, refused: false },
  { name: "${VAR:-default} unset", text: stack("${HOST_NET:-host}"), env: {}, refused: true },
  { name: "${VAR:-default} set but empty", text: stack("${HOST_NET:-host}"), env: { HOST_NET: "" }, refused: true },
  { name: "${VAR-default} set but empty", text: stack("${HOST_NET-host}"), env: { HOST_NET: "" }, refused: false },
  { name: "${VAR-default} unset", text: stack("${HOST_NET-host}"), env: {}, refused: true },
  { name: "${VAR:?err} set", text: stack("${HOST_NET:?set HOST_NET}"), env: { HOST_NET: "host" }, refused: true },
  { name: "$$ is a literal dollar", text: stack('"$${HOST_NET}"'), env: { HOST_NET: "host" }, refused: false },
  { name: "a port given by a variable", text: stack("host", '"${PORT:-47808}:47808/udp"'), env: {}, refused: true },
  {
    name: "a port given by a variable that makes it mode host in long syntax",
    text: stack("host", '{target: 47808, published: 47808, protocol: udp, mode: "${MODE:-host}"}'),
    env: {},
    refused: false,
  },
];

describe("interpolation", () => {
  for (const { name, text, env, refused } of cases) {
    it(`${name}: detection resolves it as docker stack config does`, () => {
      const findings = check(text, { file: "stack.yml", env }).findings.filter((f) => f.severity === "error");
      expect(findings.length > 0).toBe(refused);
      const engine = stackConfig({ files: [["stack.yml", text]], env });
      expect(engine.ok ? refusedByEngine(engine.output, "swarm").length > 0 : engine.error).toBe(refused);
    });
  }

  it("the rewritten file keeps every ${...} as written", () => {
    const text = stack("${HOST_NET:-host}", '"${PORT:-47808}:47808/udp"')
      .replace("      - hostnet\n", "      - hostnet\n      - ${BACKEND:-backend}\n")
      .concat("  backend:\n    driver: overlay\n");
    expect(check(text, { file: "stack.yml", env: {} }).findings.map((f) => f.rule)).toEqual([
      "host-plus-network",
      "host-ingress-port",
    ]);
    const result = rewrite(text, {
      file: "stack.yml",
      env: {},
      options: { services: { bacnet: { ports: ["47808/udp"] } } },
    });
    expect(result.changed).toBe(true);
    expect(result.output).toContain("    name: ${HOST_NET:-host}\n");
    expect(result.output).toContain('      - "${PORT:-47808}:47808/udp"\n');
    expect(result.output).toContain("      - ${BACKEND:-backend}\n");
    expect(result.output).not.toContain("      - hostnet\n    ports");
  });

  it("an unresolvable required variable is an INTERPOLATION error at the $", () => {
    const text = stack("${HOST_NET:?set HOST_NET to the host network's name}");
    let error: unknown;
    try {
      check(text, { file: "stack.yml", env: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StackmodError);
    const e = error as StackmodError;
    expect([e.code, e.file, e.line, e.column]).toEqual(["INTERPOLATION", "stack.yml", 12, 11]);
    expect(e.message).toBe("required variable HOST_NET is not set: set HOST_NET to the host network's name");
  });

  it("the $ of a required variable inside a quoted value, after other text", () => {
    const text = stack('"net-${SITE?}"');
    let error: unknown;
    try {
      check(text, { file: "stack.yml", env: {} });
    } catch (caught) {
      error = caught;
    }
    expect([(error as StackmodError).line, (error as StackmodError).column]).toEqual([12, 16]);
  });

  it("resolves Compose's forms exactly", () => {
    const env = { SET: "v", EMPTY: "" };
    expect(interpolate("a$$b $${SET}", env)).toBe("a$b ${SET}");
    expect(interpolate("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|${UNSET+alt}", env)).toBe("alt||alt|");
    expect(interpolate("${UNSET:-${SET}}", env)).toBe("v");
    expect(interpolate("$SET/${SET}", env)).toBe("v/v");
  });

  describe("command line: --env-file and the process environment", () => {
    const withFiles = async (files: Record<string, string>, run: (dir: string) => Promise<void>) => {
      const dir = mkdtempSync(join(tmpdir(), "stackmod-env-"));
      try {
        for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
        await run(dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const text = stack("${HOST_NET:?set HOST_NET}");

    it("from --env-file: found, exit 1", async () => {
      await withFiles({ "stack.yml": text, ".env": "# site\nHOST_NET=host\n" }, async (dir) => {
        const run = await runCli(["check", join(dir, "stack.yml"), "--env-file", join(dir, ".env")]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("host-ingress-port");
      });
    });

    it("from the process environment: found, exit 1; the shell wins over --env-file, as in Compose", async () => {
      await withFiles({ "stack.yml": text, "other.env": "HOST_NET=lan\n" }, async (dir) => {
        expect((await runCli(["check", join(dir, "stack.yml")], { env: { HOST_NET: "host" } })).code).toBe(1);
        expect(
          (
            await runCli(["check", join(dir, "stack.yml"), "--env-file", join(dir, "other.env")], {
              env: { HOST_NET: "host" },
            })
          ).code,
        ).toBe(1);
        expect((await runCli(["check", join(dir, "stack.yml"), "--env-file", join(dir, "other.env")])).code).toBe(0);
      });
    });

    it("unset: exit 2 with file:line:column, and rewrite writes nothing", async () => {
      await withFiles({ "stack.yml": text }, async (dir) => {
        const path = join(dir, "stack.yml");
        const run = await runCli(["check", path]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${path}:12:11`);
        expect(run.stderr).toContain("INTERPOLATION");
        const write = await runCli(["rewrite", path, "--write", "--port", "bacnet=47808/udp"]);
        expect(write.code).toBe(2);
      });
    });
  });
});

describe("interpolateData", () => {
  const env = { MODE: "global", ZONE: "a" };

  it("returns data without a variable as it is, and copies only the mappings and lists a variable changes", () => {
    const plain = { image: "nginx", deploy: { placement: { constraints: ["node.role == worker"] } } };
    expect(interpolateData(plain, env)).toBe(plain);
    const data = { image: "nginx", deploy: { mode: "${MODE}", labels: { a: "b" } }, dns: ["${ZONE}", "9.9.9.9"] };
    const before = structuredClone(data);
    const resolved = interpolateData(data, env) as typeof data;
    expect(resolved).toEqual({ image: "nginx", deploy: { mode: "global", labels: { a: "b" } }, dns: ["a", "9.9.9.9"] });
    expect(data).toEqual(before);
    expect(resolved.deploy.labels).toBe(data.deploy.labels);
  });

  it("keeps a key named __proto__ a key of the copy, never its prototype", () => {
    const data = JSON.parse('{"__proto__": {"mode": "${MODE}"}, "image": "${ZONE}"}') as Record<string, unknown>;
    const resolved = interpolateData(data, env) as Record<string, unknown>;
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(resolved, "__proto__")?.value).toEqual({ mode: "global" });
    expect(resolved.image).toBe("a");
  });
});
