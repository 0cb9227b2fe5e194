import { describe, expect, it } from "vitest";
import { check, rewrite, StackmodError } from "../../src/index.js";
import { optionRows } from "../../src/plan/options-doc.js";
import { transforms } from "../../src/strategies/index.js";
import { runCli } from "../helpers/run-cli.js";

/** The error `check` throws for `text`, as it prints. */
function errorOf(text: string): string {
  try {
    check(text, { file: "stack.yml" });
  } catch (error) {
    if (error instanceof StackmodError) return error.format();
    throw error;
  }
  throw new Error("no error");
}

describe("YAML syntax errors: at the position a person edits, in a sentence", () => {
  it.each([
    [
      "an unclosed [ at the end of the file: its opening bracket (PyYAML: line 4, column 15)",
      "services:\n  a:\n    image: x\n    networks: [a, b\n",
      "stack.yml:4:15: error YAML_SYNTAX: this `[` opens a flow sequence (a list in [ ]) that is never closed: add " +
        "the `]` where it ends (after its last item, on the same line or an indented one)",
    ],
    [
      "an unclosed { with more services after it",
      "services:\n  a: {image: x, networks: [a, b]\n  b: {}\n",
      "stack.yml:2:6: error YAML_SYNTAX: this `{` opens a flow mapping (a mapping in { }) that is never closed: add " +
        "the `}` where it ends (after its last item, on the same line or an indented one)",
    ],
    [
      "an inner [ left open inside a closed-looking {",
      "services:\n  a: {image: x, networks: [a, b}\n",
      "stack.yml:2:27: error YAML_SYNTAX: this `[` opens a flow sequence (a list in [ ]) that is never closed: add " +
        "the `]` where it ends (after its last item, on the same line or an indented one)",
    ],
    [
      "an unclosed quote: the quote that opens it, not the next key",
      'services:\n  a:\n    image: "x\n    command: y\n',
      'stack.yml:3:12: error YAML_SYNTAX: this `"` opens a quoted string that is never closed: add the closing `"` ' +
        "where the value ends",
    ],
    [
      "a ] that closes nothing",
      "services:\n  a:\n    networks: [a]]\n",
      "stack.yml:3:18: error YAML_SYNTAX: this `]` closes nothing: remove it, or add the opening bracket it closes",
    ],
    [
      "a key without its colon",
      "services:\n  a\n    image: x\n",
      "stack.yml:2:3: error YAML_SYNTAX: a key without its `:` (or one that runs onto the next line): add `:` after " +
        "the key",
    ],
    [
      "a list item where a key was expected: at its dash",
      "services:\n  a:\n    image: x\n    - b\n",
      "stack.yml:4:5: error YAML_SYNTAX: a list item (`- `) where a key was expected: indent it under the key it " +
        "belongs to, or put it at the column of that key's other items",
    ],
  ])("%s", (_name, text, expected) => {
    expect(errorOf(text)).toBe(expected);
  });
});

const hostAndBackend = (service: string) => `version: "3.8"
services:
  bacnet:
    image: example/bacnet:1
${service}    networks: [hostnet, backend]
networks:
  hostnet: {external: true, name: host}
  backend: {driver: overlay}
`;

describe("NO_PORT", () => {
  it("suggests the ports the service itself mentions, and names the other ways out", () => {
    const text = hostAndBackend(
      '    command: ["collector", "--port", "47808"]\n    environment:\n      MODBUS_PORT: "502"\n      ' +
        "BACNET_UDP_PORT: 47809\n",
    );
    expect(() => rewrite(text, { file: "stack.yml", options: { strategy: "proxy" } })).toThrow(
      new StackmodError(
        "NO_PORT",
        'service "bacnet" needs the ports it receives on the host side for the proxy strategy, and none could be ' +
          "found (no x-stackmod ports, --port, Traefik port label, expose: or ports:); it mentions 502, " +
          '47809/udp, 47808: if it receives those, add `x-stackmod: {ports: [502, "47809/udp", 47808]}` to the ' +
          "service, or pass --port bacnet=502; other ways out: --strategy split or --strategy lan need no " +
          "ports, --strategy skip leaves the service as it is",
        { file: "stack.yml", line: 3, column: 3 },
      ),
    );
  });

  it("with nothing mentioned, no made-up ports: a placeholder and examples", () => {
    expect(() => rewrite(hostAndBackend(""), { file: "stack.yml", options: { strategy: "proxy" } })).toThrow(
      'add `x-stackmod: {ports: [PORT]}` to the service (e.g. 502 or "47808/udp"), or pass --port bacnet=PORT/PROTO',
    );
  });
});

describe("the report says where the ports came from", () => {
  const forwards = (result: ReturnType<typeof rewrite>) =>
    result.notes.find((n) => n.message.includes("ports from"))!.message.replace(/^.*\(ports from /, "(ports from ");
  it.each([
    ["--port", hostAndBackend(""), { services: { bacnet: { ports: ["502" as const] } } }, "(ports from --port)"],
    [
      "the service's block",
      hostAndBackend("    x-stackmod: {ports: [502]}\n"),
      {},
      "(ports from its x-stackmod block)",
    ],
    [
      "the top-level block",
      hostAndBackend("").replace("services:", "x-stackmod: {ports: [502]}\nservices:"),
      {},
      "(ports from the top-level x-stackmod block)",
    ],
    ["its expose:", hostAndBackend('    expose: ["8080"]\n'), {}, "(ports from its `expose:` list)"],
  ])("%s", (_name, text, options, expected) => {
    expect(forwards(rewrite(text, { file: "stack.yml", options }))).toBe(expected);
  });
});

describe("--verbose: the options in effect for each service, and where each came from", () => {
  it("lists strategy, ports and the strategy's own options with their sources", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "stackmod-verbose-")), "stack.yml");
    writeFileSync(file, hostAndBackend("    x-stackmod: {proxy: {offset: 2000}}\n"));
    const run = await runCli(["rewrite", file, "--port", "bacnet=47808/udp", "--direction", "inbound", "-v"]);
    expect(run.code).toBe(0);
    const lines = run.stderr.split("\n").filter((line) => line.startsWith(`stackmod: ${file}: "bacnet"`));
    expect(lines.map((line) => line.slice(`stackmod: ${file}: "bacnet": `.length))).toEqual([
      'strategy = "proxy" (chosen by stackmod: proxy inbound, as proxy.direction (--direction) gives it)',
      'ports = ["47808/udp"] (--port)',
      'proxy.direction = "inbound" (the command line)',
      'proxy.publish = "ingress" (the default)',
      'proxy.image = "alpine/socat:1.8.0.1" (the default)',
      "proxy.offset = 2000 (its x-stackmod block)",
      'proxy.hostAddress = "gateway" (the default)',
    ]);
  });
});

describe("stackmod transforms", () => {
  it("lists every strategy, skip included, and every option with its allowed values and default", async () => {
    const run = await runCli(["transforms"]);
    expect(run.code).toBe(0);
    for (const name of ["publish", "proxy", "split", "lan", "skip"])
      expect(run.stdout).toMatch(new RegExp(`^${name}: `, "m"));
    expect(run.stdout).toContain('    proxy.direction: inbound, outbound; default "inbound"\n');
    expect(run.stdout).toContain(
      "    strategy: publish, proxy, split, lan, skip; default chosen from what the file shows\n",
    );
    expect(run.stdout).toContain("    queue.kind: nats, redis, rabbitmq, mqtt\n");
    for (const row of optionRows(transforms)) expect(run.stdout).toContain(`    ${row.option.replace(/`/g, "")}: `);
  });
});

describe("check and rewrite agree", () => {
  const typo = hostAndBackend("    x-stackmod: {strategy: proxi}\n");

  it("an x-stackmod typo fails check as it fails rewrite, at the value", async () => {
    const expected =
      `stack.yml:5:28: error BAD_OPTION: \`services.bacnet.x-stackmod.strategy\`: invalid value; ` +
      `allowed: publish, proxy, split, lan, skip`;
    expect(errorOf(typo)).toBe(expected);
    expect(() => rewrite(typo, { file: "stack.yml" })).toThrow("`services.bacnet.x-stackmod.strategy`: invalid value");
  });

  it("an x-stackmod block in a service of a file before 3.7: the same warning from both", () => {
    const old = hostAndBackend("    x-stackmod: {ports: [502]}\n").replace('"3.8"', '"3.6"');
    const warning = {
      level: "warning",
      message:
        'stack.yml: service "bacnet" has an x-stackmod block, which docker stack refuses before file format 3.7; ' +
        "use the top-level block's services.bacnet or --config",
    };
    expect(check(old, { file: "stack.yml" }).notes).toEqual([warning]);
    expect(rewrite(old, { file: "stack.yml" }).notes).toContainEqual(warning);
  });

  it("rewrite prints the network-mode-in-stack warning that check reports", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "stackmod-agree-")), "stack.yml");
    writeFileSync(
      file,
      hostAndBackend("    x-stackmod: {ports: [502]}\n").replace(
        "networks:\n  hostnet",
        "  agent:\n    image: a\n    network_mode: host\n    deploy: {mode: global}\nnetworks:\n  hostnet",
      ),
    );
    const warning =
      `${file}:9:19: warning network-mode-in-stack: \`docker stack deploy\` ignores \`network_mode: ` +
      `host\` ("Ignoring unsupported options: network_mode"); for the host network attach an external ` +
      `network named host instead\n`;
    expect((await runCli(["check", file])).stdout).toContain(warning);
    expect((await runCli(["rewrite", file])).stderr).toContain(warning);
  });
});
