import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { check, rewrite } from "../../src/index.js";
import { stackConfig } from "../helpers/stack-config.js";
import { testDir } from "../helpers/paths.js";

/**
 * Same-file `extends` inlined (stack-forbidden-key's fix): the output must read, under the real
 * `docker-compose config` (v1 1.29.2, which resolves extends), as the input does; the real
 * `docker stack config` refuses the input and accepts the output. Byte-exact pairs and
 * idempotence are fixtures.test.ts's, over test/fixtures/extends/.
 */
const dir = join(testDir, "fixtures", "extends");

/** `docker-compose config` of a file, as data: lists Compose keeps as sets sorted, networks as mappings. */
function composeConfig(text: string): unknown {
  const scratch = mkdtempSync(join(tmpdir(), "stackmod-extends-"));
  try {
    writeFileSync(join(scratch, "compose.yml"), text);
    const out = execFileSync("docker-compose", ["-f", "compose.yml", "config"], {
      cwd: scratch,
      stdio: "pipe",
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, DOCKER_HOST: "unix:///nonexistent.sock" },
    }).toString();
    const data = parse(out) as { services: Record<string, Record<string, unknown>> };
    for (const service of Object.values(data.services)) {
      const networks = service.networks as Record<string, unknown> | undefined;
      if (networks) for (const key of Object.keys(networks)) networks[key] ??= {};
      const placement = (service.deploy as { placement?: { constraints?: string[] } } | undefined)?.placement;
      placement?.constraints?.sort();
      if (Array.isArray(service.ports)) service.ports.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
    return data;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".input.yml"))
  .map((f) => f.replace(/\.input\.yml$/, ""));

describe("fixtures/extends read as docker-compose reads the input", () => {
  for (const name of cases) {
    const input = readFileSync(join(dir, `${name}.input.yml`), "utf8");
    const output = readFileSync(join(dir, `${name}.output.yml`), "utf8");
    test(`${name}: docker-compose config of the output equals that of the input`, () => {
      expect(output).not.toMatch(/^\s+extends:/m);
      expect(composeConfig(output)).toEqual(composeConfig(input));
    });
    test(`${name}: docker stack config refuses the input and accepts the output`, () => {
      const before = stackConfig({ files: [["in.yml", input]] });
      expect(before.ok ? "accepted" : before.error).toMatch(/forbidden properties/);
      const after = stackConfig({ files: [["out.yml", output]] });
      expect(after.ok ? "accepted" : after.error).toBe("accepted");
    });
  }
});

/** A stack file (deploy keys) with `base` and a `web` service whose body is `body`. */
const stack = (body: string, extra = "") =>
  `version: "3.8"\nservices:\n  base:\n    image: nginx:1\n    environment:\n      A: "1"\n    deploy:\n      ` +
  `replicas: 2\n` +
  `  web:\n${body}${extra}`;

describe("extends that cannot be inlined safely: left, with the reason at the place to edit", () => {
  const refusals: [string, string, RegExp][] = [
    [
      "another file",
      stack("    extends: {file: common.yml, service: base}\n"),
      /web: left `extends` \(f\.yml:10:21\): it extends a service of common\.yml/,
    ],
    [
      "a cycle",
      `version: "3.8"\nservices:\n  a:\n    extends: b\n    deploy: {}\n  b:\n    extends: a\n`,
      /a: left `extends` .*: its extends form a cycle \("a" → "b" → "a"\)/,
    ],
    ["a missing service", stack("    extends: nothere\n"), /it extends "nothere", which is not a service of this file/],
    [
      "anchors the copy would share",
      `version: "3.8"\nx-env: &env\n  A: "1"\nservices:\n  base:\n    image: nginx:1\n    environment: *env\n    ` +
        `deploy: {}\n  web:\n    extends: base\n`,
      /the base's text uses anchors, aliases or merge keys, which a copy would share/,
    ],
    [
      "the service's own key is an anchor's",
      `version: "3.8"\nx-env: &env\n  B: "1"\nservices:\n  base:\n    image: nginx:1\n    environment: {A: ` +
        `"2"}\n    deploy: {}\n  web:\n    extends: base\n    environment: *env\n`,
      /its `environment` comes from an anchor or a merge key/,
    ],
    [
      "a list on one side, a mapping on the other",
      stack("    extends: base\n    environment: [B=2]\n"),
      /`environment` is a list on one side and a mapping on the other/,
    ],
    [
      "a service written in flow style",
      `version: "3.8"\nservices:\n  base: {image: nginx:1, deploy: {}}\n  web: {extends: base}\n`,
      /the service is written in flow style/,
    ],
    [
      "a base Compose refuses to extend",
      `version: "3.8"\nservices:\n  db:\n    image: postgres:16\n  base:\n    image: nginx:1\n    depends_on: ` +
        `[db]\n    deploy: {}\n  web:\n    extends: base\n`,
      /"base" has depends_on, and Compose refuses to extend such a service/,
    ],
  ];
  for (const [what, text, note] of refusals) {
    test(what, () => {
      const result = rewrite(text, { file: "f.yml" });
      const web = result.findings.find((f) => f.key === "extends")!;
      expect(
        result.notes
          .filter((n) => n.level === "warning")
          .map((n) => n.message)
          .join("\n"),
      ).toMatch(note);
      expect(result.output).toBe(text);
      expect(result.skipped.map((s) => s.service)).toContain(web.service);
    });
  }

  test("the forbidden-key finding names the way out, and a file without extends gets none", () => {
    const findings = check(stack("    extends: base\n"), { file: "f.yml" }).findings;
    expect(findings.map((f) => [f.rule, f.service, f.line, f.column])).toEqual([["stack-forbidden-key", "web", 10, 5]]);
  });
});

describe("inlined as Compose merges", () => {
  test("a flow list of the service gets the base's items first", () => {
    const flowList =
      `version: "3.8"\nservices:\n  base:\n    image: nginx:1\n    ports: ["80:80"]\n    deploy: ` +
      `{}\n  web:\n    extends: base\n    ports: ["81:81"]\n`;
    const output = rewrite(flowList, { file: "f.yml" }).output;
    expect(output).toBe(
      `version: "3.8"\nservices:\n  base:\n    image: nginx:1\n    ports: ["80:80"]\n    deploy: {}\n  web:\n` +
        `    image: nginx:1\n    deploy: {}\n    ports: ["80:80", "81:81"]\n`,
    );
    expect(composeConfig(output)).toEqual(composeConfig(flowList));
  });

  test("CRLF stays CRLF, and a deeper base indentation is moved to the service's", () => {
    const text = [
      'version: "3.8"',
      "services:",
      "    base:",
      "        image: nginx:1",
      "        command: |",
      "            echo one",
      "            echo two",
      "        deploy:",
      "            replicas: 2",
      "    web:",
      "        extends: base",
      "",
    ].join("\r\n");
    const output = rewrite(text, { file: "f.yml" }).output;
    expect(output).toBe(
      text.replace("        extends: base\r\n", text.split("\r\n").slice(3, 9).join("\r\n") + "\r\n"),
    );
    expect(composeConfig(output)).toEqual(composeConfig(text));
    expect(rewrite(output, { file: "f.yml" }).changed).toBe(false);
  });
});
