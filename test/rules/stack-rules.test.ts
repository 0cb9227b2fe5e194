import { describe, expect, test } from "vitest";
import { check } from "../../src/index.js";
import { deprecatedKeys, forbiddenKeys, ignoredKeys } from "../../src/rules/stack/compose-keys.js";
import { stackConfig } from "../helpers/stack-config.js";

/**
 * Each key of the stack rules against the real `docker stack config` (CLI 28.2.2): what
 * stackmod says docker stack does with it is what docker stack does (it accepts an
 * ignored or deprecated key, refuses a forbidden one and a shape its schema lacks).
 */
const stack = (body: string, version = "3.8", top = "") =>
  `version: "${version}"\n${top}services:\n  web:\n    image: nginx:1.27\n${body}    deploy:\n      replicas: 1\n  ` +
  `db:\n    image: postgres:16\n`;

const values: Record<string, string> = {
  build: ".",
  cgroupns_mode: "host",
  cgroup_parent: "system.slice",
  devices: '["/dev/net/tun"]',
  domainname: "example.com",
  external_links: '["db"]',
  ipc: "host",
  links: '["db"]',
  mac_address: "02:42:ac:11:00:02",
  pid: "host",
  privileged: "true",
  restart: "always",
  security_opt: '["no-new-privileges:true"]',
  shm_size: "64m",
  userns_mode: "host",
  container_name: "web",
  expose: '["80"]',
  extends: "{service: db}",
  volume_driver: "local",
  volumes_from: '["db"]',
  cpu_quota: "50000",
  cpu_shares: "512",
  cpuset: '"0,1"',
  mem_limit: "512m",
  memswap_limit: "1g",
};

const rulesOf = (text: string) => check(text, { file: "stack.yml" }).findings.map((f) => f.rule);

describe("docker stack config agrees with the stack rules, key by key", () => {
  test.each(Object.keys(ignoredKeys))("ignored: %s is accepted, and stack-ignored-key warns", (key) => {
    const text = stack(`    ${key}: ${values[key]}\n`, key === "cgroupns_mode" ? "3.9" : "3.8");
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
    expect(rulesOf(text)).toEqual(["stack-ignored-key"]);
  });

  test.each(Object.keys(deprecatedKeys))("deprecated: %s is accepted, and stack-deprecated-key warns", (key) => {
    const text = stack(`    ${key}: ${values[key]}\n`);
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
    expect(rulesOf(text)).toEqual(["stack-deprecated-key"]);
  });

  test.each(Object.keys(forbiddenKeys))("forbidden: %s is refused, and stack-forbidden-key is an error", (key) => {
    const text = stack(`    ${key}: ${values[key]}\n`);
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toContain("Configuration contains forbidden properties");
    expect(rulesOf(text)).toEqual(["stack-forbidden-key"]);
  });

  const refused: [string, string, string, string?][] = [
    ["profiles", "    profiles: [web]\n", "services.web Additional property profiles is not allowed"],
    ["platform", "    platform: linux/amd64\n", "services.web Additional property platform is not allowed"],
    ["pull_policy", "    pull_policy: always\n", "services.web Additional property pull_policy is not allowed"],
    ["cpus", "    cpus: 0.5\n", "services.web Additional property cpus is not allowed"],
    [
      "mem_reservation",
      "    mem_reservation: 128m\n",
      "services.web Additional property mem_reservation is not allowed",
    ],
    [
      "long depends_on",
      "    depends_on:\n      db: {condition: service_healthy}\n",
      "services.web.depends_on must be a list",
    ],
    ["long env_file", "    env_file:\n      - path: web.env\n", "services.web.env_file.0 must be a string"],
    [
      "string target",
      '    ports:\n      - {target: "80", published: 8080}\n',
      "services.web.ports.0.target must be a integer",
    ],
    [
      "string published",
      '    ports:\n      - {target: 80, published: "8080"}\n',
      "services.web.ports.0.published must be a integer",
    ],
    [
      "host_ip",
      "    ports:\n      - {target: 80, published: 8080, host_ip: 127.0.0.1}\n",
      "services.web.ports.0 Additional property host_ip is not allowed",
    ],
    ["init before 3.7", "    init: true\n", "services.web Additional property init is not allowed", "3.6"],
    [
      "x- in a service before 3.7",
      "    x-team: web\n",
      "services.web Additional property x-team is not allowed",
      "3.6",
    ],
    [
      "cgroupns_mode before 3.9",
      "    cgroupns_mode: host\n",
      "services.web Additional property cgroupns_mode is not allowed",
    ],
  ];
  test.each(refused)("refused: %s, and stack-refused-key is an error", (_label, body, error, version) => {
    const text = stack(body, version ?? "3.8");
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toContain(error);
    expect(rulesOf(text)).toEqual(["stack-refused-key"]);
  });

  test.each([
    ["top-level name", "name: shop\n", "(root) Additional property name is not allowed"],
    ["top-level include", "include: [other.yml]\n", "(root) Additional property include is not allowed"],
  ])("refused: %s, at the top level", (_label, top, error) => {
    const text = stack("", "3.8", top);
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toContain(error);
    expect(check(text).findings).toMatchObject([{ rule: "stack-refused-key", service: "", line: 2, column: 1 }]);
  });

  test("configs.content is refused", () => {
    const text = stack("") + "configs:\n  site:\n    content: hello\n";
    const verdict = stackConfig({ files: [["stack.yml", text]] });
    expect(verdict.ok ? "accepted" : verdict.error).toContain(
      "configs.site Additional property content is not allowed",
    );
    expect(rulesOf(text)).toEqual(["stack-refused-key"]);
  });

  test("an interpolated string port is cast by docker: accepted, no finding", () => {
    const text = stack('    ports:\n      - {target: "${PORT}", published: 8080}\n');
    const verdict = stackConfig({ files: [["stack.yml", text]], env: { PORT: "80" } });
    expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
    expect(check(text, { env: { PORT: "80" } }).findings).toEqual([]);
  });

  test("a Compose file (no deploy:, no host network) gets none of these findings", () => {
    const text = "services:\n  web:\n    image: nginx\n    restart: always\n    mem_limit: 1g\n    profiles: [web]\n";
    expect(check(text).findings).toEqual([]);
    expect(check(text, { target: "swarm" }).findings.map((f) => f.rule)).toEqual([
      "stack-ignored-key",
      "stack-forbidden-key",
      "stack-refused-key",
    ]);
  });
});
