import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { rewrite, StackmodError } from "../../../src/index.js";
import { stackmodErrorOf } from "../../helpers/stackmod-error.js";

/** A stack file whose service asks for split with `queue` (flow mapping text) on line 8. */
function stack(queue: string, extra: string[] = []): string {
  return [
    'version: "3.8"',
    "services:",
    "  bacnet:",
    "    image: example/bacnet:1",
    "    networks: [hostnet, backend]",
    "    x-stackmod:",
    "      strategy: split",
    `      queue: ${queue}`,
    ...extra,
    "networks:",
    "  hostnet: {external: true, name: host}",
    "  backend: {driver: overlay}",
    "",
  ].join("\n");
}

function failure(text: string, options: Record<string, unknown> = {}): StackmodError {
  return stackmodErrorOf(() => rewrite(text, { file: "stack.yml", options }));
}

/** `file:line:column CODE`, the column being where `value` starts on that line. */
function where(text: string, line: number, value: string, code: string): string {
  const column = text.split("\n")[line - 1]!.indexOf(value);
  if (column < 0) throw new Error(`${value} is not on line ${line}`);
  return `stack.yml:${line}:${column + 1} ${code}`;
}
const at = (error: StackmodError) => `${error.file}:${error.line}:${error.column} ${error.code}`;

describe("split options", () => {
  it("an unknown queue kind names its position and the allowed kinds", () => {
    const text = stack("{kind: kafka}");
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, "kafka", "BAD_OPTION"));
    expect(error.message).toContain("allowed: nats, redis, rabbitmq, mqtt");
  });

  it("a published port out of range is refused where it is written", () => {
    const text = stack("{kind: redis, published: 70000}");
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, "70000", "BAD_OPTION"));
    expect(error.message).toMatch(/queue\.published/);
  });

  it.each([
    ["nats", "plant.*"],
    ["nats", "a..b"],
    ["mqtt", "plant/#"],
    ["rabbitmq", "amq.readings"],
    ["redis", "two words"],
  ])("%s refuses the topic %j", (kind, topic) => {
    const text = stack(`{kind: ${kind}, topic: "${topic}"}`);
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, `"${topic}"`, "BAD_OPTION"));
    expect(error.message).toContain(`refused by ${kind}`);
  });

  it("a bad topic given on the top-level block points there", () => {
    const text = ['version: "3.8"', "x-stackmod:", '  queue: {topic: "a b"}', ...stack("{}").split("\n").slice(1)].join(
      "\n",
    );
    expect(at(failure(text))).toBe(where(text, 3, '"a b"', "BAD_OPTION"));
  });

  it("auth is refused for a broker that runs without credentials", () => {
    const text = stack("{kind: mqtt, auth: true}");
    expect(at(failure(text))).toBe(where(text, 8, "true", "BAD_OPTION"));
  });

  it("an environment variable the service already sets is a collision", () => {
    const text = stack("{}", ["    environment: [QUEUE_URL=nats://elsewhere:4222]"]);
    expect(failure(text).code).toBe("NAME_COLLISION");
  });

  it("a queue port another service publishes: the next free one, said in the report", () => {
    const text = stack("{}", [
      "  nats:",
      "    image: nats:2.10-alpine",
      '    ports: ["4222:4222"]',
      "    networks: [backend]",
    ]);
    const result = rewrite(text, { file: "stack.yml" });
    expect(result.output).toContain("QUEUE_URL: nats://127.0.0.1:4223");
    expect(result.notes.map((n) => n.message)).toContain(
      'bacnet-queue: publishes 4223, not nats\'s 4222, which "nats" already publishes; set `queue.published` to ' +
        "choose, or `queue.shared` for one queue",
    );
  });

  it("a chosen queue port another service publishes is a collision at the option, naming both", () => {
    const text = stack("{published: 4222}", [
      "  nats:",
      "    image: nats:2.10-alpine",
      '    ports: ["4222:4222"]',
      "    networks: [backend]",
    ]);
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, "4222", "PORT_COLLISION"));
    expect(error.message).toContain(
      '"bacnet-queue" of "bacnet" would publish 4222/tcp, which "nats" already publishes',
    );
    expect(error.message).toContain("queue.published");
  });

  it("a service already named like the queue is a collision", () => {
    const text = stack("{}", ["  bacnet-queue:", "    image: example/other:1", "    networks: [backend]"]);
    expect(failure(text).code).toBe("NAME_COLLISION");
  });

  it("a shared queue of another kind is refused", () => {
    const text = stack("{shared: plant-queue}", [
      "  modbus:",
      "    image: example/modbus:1",
      "    networks: [hostnet, backend]",
      "    x-stackmod: {strategy: split, queue: {shared: plant-queue, kind: redis, published: 6380}}",
    ]);
    const error = failure(text);
    expect(error.code).toBe("BAD_OPTION");
    expect(error.message).toContain('"plant-queue" is a nats queue');
  });

  it("a shared queue the processor could not reach is refused", () => {
    const text = stack("{shared: plant-queue}", [
      "  modbus:",
      "    image: example/modbus:1",
      "    networks: [hostnet, other]",
      "    x-stackmod: {strategy: split, queue: {shared: plant-queue}}",
    ]).replace("  backend: {driver: overlay}\n", "  backend: {driver: overlay}\n  other: {driver: overlay}\n");
    const error = failure(text);
    expect(error.code).toBe("UNSUPPORTED");
    expect(at(error)).toBe(where(text, 12, "plant-queue", "UNSUPPORTED"));
  });

  it("a service sharing the split service's network namespace (network_mode: service:NAME) is refused there", () => {
    const text = [
      "services:",
      "  bacnet:",
      "    image: example/bacnet:1",
      "    network_mode: host",
      "    networks: [plant]",
      "  sniffer:",
      "    image: example/sniffer:1",
      "    network_mode: service:bacnet",
      "networks:",
      "  plant: {}",
      "",
    ].join("\n");
    const error = failure(text, { strategy: "split" });
    expect(at(error)).toBe(where(text, 8, "service:bacnet", "UNSUPPORTED"));
    expect(error.message).toContain('split divides into "bacnet-collector" (host network) and "bacnet-processor"');
  });

  it("a second run onto a shared queue the file already has reuses it", () => {
    const text = stack("{shared: plant-queue}");
    const once = rewrite(text, { file: "stack.yml" }).output;
    const withModbus = once.replace(
      "networks:\n  hostnet",
      "  modbus:\n    image: example/modbus:1\n    networks: [hostnet, backend]\n    x-stackmod: {strategy: split, " +
        "queue: {shared: plant-queue}}\nnetworks:\n  hostnet",
    );
    const twice = rewrite(withModbus, { file: "stack.yml" });
    expect(twice.output.match(/plant-queue:\n/g)).toHaveLength(1);
    expect(twice.output).toContain("QUEUE_URL: nats://127.0.0.1:4222");
    expect(twice.output).toContain("QUEUE_URL: nats://plant-queue:4222");
    expect(twice.remaining.filter((f) => f.severity === "error")).toEqual([]);
  });
});

describe("split report notes", () => {
  const notes = (text: string) => rewrite(text, { file: "stack.yml" }).notes.map((n) => `${n.level}: ${n.message}`);

  it("rabbitmq: the secrets to create, with the command", () => {
    expect(notes(stack("{kind: rabbitmq}"))).toContain(
      "warning: bacnet-queue: create its credentials before deploying: `printf %s VALUE | docker secret create " +
        "bacnet-queue-user -`, `printf %s VALUE | docker secret create bacnet-queue-password -`",
    );
  });

  it.each([
    ["nats", "core NATS drops a message published while no processor is subscribed"],
    ["mqtt", "a message published before the processor first subscribed is dropped"],
  ])("%s: messages published while no processor listens are lost, and the report says so", (kind, text) => {
    expect(notes(stack(`{kind: ${kind}}`)).some((n) => n.startsWith("info: bacnet: ") && n.includes(text))).toBe(true);
  });

  it("Traefik labels copied to both halves are pointed out", () => {
    const all = notes(stack("{}", ["    labels: [traefik.enable=true]"]));
    expect(all).toContain(
      'warning: bacnet: its Traefik labels are now on both "bacnet-processor" and "bacnet-collector"; keep them on ' +
        "the half that serves HTTP",
    );
  });
});

describe("queue.processor.constraints: the processor's own placement", () => {
  it("a constraint the engine would refuse is an error at the item, naming swarmkit's syntax", () => {
    const text = stack('{processor: {constraints: [node.role == manager, "node.role >= manager"]}}');
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, '"node.role >= manager"', "BAD_OPTION"));
    expect(error.message).toBe(
      '`services.bacnet.x-stackmod.queue.processor.constraints.1`: invalid placement constraint "node.role >= ' +
        'manager": expected KEY == VALUE or KEY != VALUE, e.g. "node.role == manager" (swarmkit\'s syntax)',
    );
  });

  it.each([["node.labels.zone == a;b"], ["== manager"], ["node.role"], ["node role == manager"]])(
    "refuses %j (no operator, no key, or a character swarmkit refuses)",
    (constraint) => {
      const error = failure(stack(`{processor: {constraints: [${JSON.stringify(constraint)}]}}`));
      expect(error.code).toBe("BAD_OPTION");
      expect(error.message).toContain("invalid placement constraint");
    },
  );

  it("one string instead of a list is an error at the value", () => {
    const text = stack("{processor: {constraints: node.role == manager}}");
    const error = failure(text);
    expect(at(error)).toBe(where(text, 8, "node.role == manager", "BAD_OPTION"));
    expect(error.message).toContain("expected a list here");
  });

  it("replaces the processor's constraints only; the collector and a host-published queue keep the service's", () => {
    const text = stack("{publish: host, processor: {constraints: [node.role == manager]}}", [
      "    deploy: {placement: {constraints: [node.hostname == edge-1]}}",
    ]);
    const { output, notes } = rewrite(text, { file: "stack.yml" });
    expect(output).toContain("    deploy: {placement: {constraints: [node.role == manager]}}\n");
    expect(output.match(/node\.hostname == edge-1/g)).toHaveLength(2);
    expect(notes.map((n) => n.message)).toContain(
      "bacnet-processor: placed by queue.processor.constraints on node.role == manager instead of the service's " +
        'node.hostname == edge-1; it reaches "bacnet-queue" over the overlay from there',
    );
  });

  it("warns that volumes stay on their node when the processor may move", () => {
    const text = stack("{processor: {constraints: []}}", ["    volumes: [./data:/data]"]);
    const { notes } = rewrite(text, { file: "stack.yml" });
    expect(notes).toContainEqual({
      level: "warning",
      message:
        "bacnet-processor: its volumes are mounted on whichever node it now runs on; a bind mount or a local volume " +
        "does not move with it",
    });
  });

  it("a deploy: shared by an anchor is not edited for one service: refused at the anchor", () => {
    const text = [
      'version: "3.8"',
      "services:",
      "  bacnet:",
      "    image: example/bacnet:1",
      "    networks: [hostnet, backend]",
      "    deploy: &edge",
      "      placement: {constraints: [node.labels.plant == true]}",
      "  pump:",
      "    image: example/pump:1",
      "    deploy: *edge",
      "networks:",
      "  hostnet: {external: true, name: host}",
      "  backend: {driver: overlay}",
      "",
    ].join("\n");
    const error = stackmodErrorOf(() =>
      rewrite(text, {
        file: "stack.yml",
        options: { strategy: "split", queue: { processor: { constraints: ["node.role == manager"] } } },
      }),
    );
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 6, 13]);
    expect(error.message).toContain("would change the node anchored as &edge, which is also used elsewhere");
  });

  it("in a Compose file (one host) the option is ignored, with a warning", () => {
    const text = [
      "services:",
      "  bacnet:",
      "    image: example/bacnet:1",
      "    network_mode: host",
      "    networks: [backend]",
      "networks:",
      "  backend: {}",
      "",
    ].join("\n");
    const result = rewrite(text, {
      file: "compose.yml",
      options: { strategy: "split", queue: { processor: { constraints: ["node.role == manager"] } } },
    });
    expect(result.output).not.toContain("constraints");
    expect(result.notes).toContainEqual({
      level: "warning",
      message:
        "bacnet-processor: `queue.processor.constraints` ignored: a Compose file runs every service on its one host",
    });
  });
});

describe("split options through the command line", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function cli(args: string[], text: string) {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-split-cli-"));
    dirs.push(dir);
    const file = join(dir, "stack.yml");
    writeFileSync(file, text);
    const before = statSync(file).mtimeMs;
    let stderr = "";
    const code = await main(["rewrite", file, "--write", ...args], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      stdin: () => Buffer.alloc(0),
      env: {},
    });
    return { code, stderr, unchanged: readFileSync(file, "utf8") === text && statSync(file).mtimeMs === before, file };
  }

  it("--queue with an unknown kind: exit 2, the allowed kinds, nothing written", async () => {
    const result = await cli(["--strategy", "split", "--queue", "kafka"], stack("{}"));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "<command line>:1:1: error BAD_OPTION: --queue kafka: expected one of nats, redis, rabbitmq, mqtt\n",
    );
    expect(result.unchanged).toBe(true);
  });

  it("a bad topic in the file: exit 2 with file:line:column, nothing written", async () => {
    const text = stack('{topic: "plant.>"}');
    const result = await cli([], text);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${result.file}:8:${text.split("\n")[7]!.indexOf('"plant.>"') + 1}`);
    expect(result.unchanged).toBe(true);
  });

  it("a port out of range in the file: exit 2, nothing written", async () => {
    const result = await cli([], stack("{published: 0}"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("queue.published");
    expect(result.unchanged).toBe(true);
  });

  it("--publish host makes the queue publish in host mode, with the service's placement", async () => {
    const text = stack("{}", ["    deploy: {placement: {constraints: [node.hostname == edge-1]}}"]);
    const result = await cli(["--publish", "host", "--queue", "redis"], text);
    expect(result.code).toBe(0);
    const output = readFileSync(result.file, "utf8");
    expect(output).toContain("        published: 6379\n        protocol: tcp\n        mode: host\n");
    expect(output.match(/node\.hostname == edge-1/g)).toHaveLength(3);
  });

  it("--processor-constraint, repeated, gives the processor its own constraints", async () => {
    const text = stack("{}", ["    deploy: {placement: {constraints: [node.hostname == edge-1]}}"]);
    const args = [
      "--processor-constraint",
      "node.role == manager",
      "--processor-constraint",
      "node.hostname != edge-1",
    ];
    const result = await cli(args, text);
    expect(result.code).toBe(0);
    expect(readFileSync(result.file, "utf8")).toContain(
      '    deploy: {placement: {constraints: [node.role == manager, "node.hostname != edge-1"]}}\n',
    );
  });

  it("a constraint value with a line break (swarmkit takes it) is quoted in the file and in the report", async () => {
    const result = await cli(["--processor-constraint", "node.role == manager\nprivileged: true"], stack("{}"));
    expect(result.code).toBe(0);
    expect(readFileSync(result.file, "utf8")).toContain('"node.role == manager\\nprivileged: true"');
    expect(result.stderr).toContain('on "node.role == manager\\nprivileged: true"');
    expect(result.stderr).not.toMatch(/^privileged: true/m);
  });

  it("--processor-constraint the engine would refuse: exit 2 naming the flag, nothing written", async () => {
    const result = await cli(["--processor-constraint", "node.role=manager"], stack("{}"));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "<command line>:1:1: error BAD_OPTION: --processor-constraint node.role=manager: invalid placement constraint " +
        '"node.role=manager": expected KEY == VALUE or KEY != VALUE, e.g. "node.role == manager" ' +
        "(swarmkit's syntax)\n",
    );
    expect(result.unchanged).toBe(true);
  });

  it("--queue rabbitmq --write rewrites the file", async () => {
    const result = await cli(["--queue", "rabbitmq"], stack("{}"));
    expect(result.code).toBe(0);
    expect(readFileSync(result.file, "utf8")).toContain("QUEUE_URL: amqp://bacnet-queue:5672");
  });
});
