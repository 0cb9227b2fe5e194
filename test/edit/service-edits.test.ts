import { describe, expect, it } from "vitest";
import type { Node, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { loadModel } from "../../src/model/load.js";
import type { ServiceModel, StackModel } from "../../src/model/types.js";
import { ServiceEdits } from "../../src/edit/service-edits.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/** A text of whole lines, each ended by "\n". */
const y = (...lines: string[]): string => lines.map((line) => `${line}\n`).join("");

type Body = (edits: ServiceEdits, service: (name: string) => ServiceModel, model: StackModel) => void;

/** The text after `body`'s edits, written by `finish()`. */
function edited(text: string, body: Body): string {
  const model = loadModel(text, { file: "t.yml" });
  const edits = new ServiceEdits(model);
  body(edits, (name) => model.services.find((s) => s.name === name)!, model);
  return edits.finish().output;
}

function refusal(text: string, body: Body) {
  const error = stackmodErrorOf(() => edited(text, body));
  return { code: error.code, message: error.message, line: error.line, column: error.column };
}

const nets = y("networks:", "  backend: {}", "  front: {}");

describe("ServiceEdits: a service's own keys are edited in place", () => {
  it("appends to an own list, after its last item's comment", () => {
    const text = y("services:", "  a:", "    image: x", "    ports:", '      - "80" # web') + nets;
    const out = edited(text, (edits, s) => edits.appendToList(s("a"), "ports", ["443:443"]));
    expect(out).toBe(
      y("services:", "  a:", "    image: x", "    ports:", '      - "80" # web', '      - "443:443"') + nets,
    );
  });

  it("creates a list key that is absent", () => {
    const text = y("services:", "  a:", "    image: x") + nets;
    const out = edited(text, (edits, s) =>
      edits.appendToList(s("a"), "extra_hosts", ["host.docker.internal:host-gateway"]),
    );
    expect(out).toBe(
      y("services:", "  a:", "    image: x", "    extra_hosts:", "      - host.docker.internal:host-gateway") + nets,
    );
  });

  it("replaces, sets and removes keys, CRLF kept", () => {
    const text = y("services:\r", "  a:\r", "    image: x\r", "    ports: [80]\r", "    restart: always\r");
    const out = edited(text, (edits, s) => {
      edits.replaceList(s("a"), "ports", ["8080:80"]);
      edits.setKey(s("a"), "image", "nginx");
      edits.removeKey(s("a"), "restart");
    });
    expect(out).toBe(y("services:\r", "  a:\r", "    image: nginx\r", "    ports:\r", '      - "8080:80"\r'));
  });

  it("removes some items of an own list, and the key with the last one", () => {
    const text =
      y("services:", "  a:", '    ports: ["80", "443", "53/udp"]', "  b:", "    ports:", '      - "1"') + nets;
    const out = edited(text, (edits, s) => {
      const a = s("a");
      edits.removeFromList(a, "ports", [a.ports[1]!.node]);
      const b = s("b");
      edits.removeFromList(b, "ports", [b.ports[0]!.node]);
    });
    expect(out).toBe(y("services:", "  a:", '    ports: ["80", "53/udp"]', "  b:") + nets);
  });

  it("adds to an own environment map or list, and creates one where there is none or it is empty", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    environment:",
        '      A: "1"',
        "  b:",
        "    environment: [A=1]",
        "  c:",
        "    image: x",
        "  d:",
        "    environment:",
      ) + nets;
    const out = edited(text, (edits, s) => {
      for (const name of ["a", "b", "c", "d"]) edits.addEnvironment(s(name), [["URL", "nats://q:4222"]]);
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    environment:",
        '      A: "1"',
        "      URL: nats://q:4222",
        "  b:",
        "    environment: [A=1, URL=nats://q:4222]",
      ) +
        y(
          "  c:",
          "    image: x",
          "    environment:",
          "      URL: nats://q:4222",
          "  d:",
          "    environment:",
          "      URL: nats://q:4222",
        ) +
        nets,
    );
  });

  // `64M` is quoted as any text starting with a digit is.
  it("adds under an own deploy: at any depth, and creates it where there is none", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    deploy:",
        "      resources:",
        '        reservations: {cpus: "1"}',
        "  b:",
        "    image: x",
      ) + nets;
    const tree = { resources: { limits: { memory: "64M" } }, restart_policy: { condition: "any" } };
    const out = edited(text, (edits, s) => {
      edits.addUnder(s("a"), "deploy", tree);
      edits.addUnder(s("b"), "deploy", tree);
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    deploy:",
        "      resources:",
        '        reservations: {cpus: "1"}',
        "        limits:",
        '          memory: "64M"',
      ) +
        y(
          "      restart_policy:",
          "        condition: any",
          "  b:",
          "    image: x",
          "    deploy:",
          "      resources:",
          "        limits:",
        ) +
        y('          memory: "64M"', "      restart_policy:", "        condition: any") +
        nets,
    );
  });

  it("writes under a key written without a value, its line and comment kept, block or flow", () => {
    const text =
      y("services:", "  a:", "    image: x", "    deploy:", "    environment: # set by the rewrite") +
      y("    networks: [backend]", "  b: {image: x, deploy: , networks: [backend]}", "  c:", "    deploy:") +
      nets;
    const out = edited(text, (edits, s) => {
      edits.addUnder(s("a"), "deploy", { restart_policy: { condition: "any" } });
      edits.addEnvironment(s("a"), [["URL", "nats://q:4222"]]);
      edits.addUnder(s("b"), "deploy", { restart_policy: { condition: "any" } });
      edits.setNested(s("c"), ["deploy", "placement", "constraints"], ["node.role == manager"]);
    });
    expect(out).toBe(
      y("services:", "  a:", "    image: x", "    deploy:", "      restart_policy:", "        condition: any") +
        y("    environment: # set by the rewrite", "      URL: nats://q:4222", "    networks: [backend]") +
        y("  b: {image: x, deploy: {restart_policy: {condition: any}}, networks: [backend]}", "  c:", "    deploy:") +
        y("      placement:", "        constraints:", "          - node.role == manager") +
        nets,
    );
  });

  it("a key it wrote whole and is asked to extend stays one key: environment, deploy", () => {
    const text =
      y("x-env: &env", "services:", "  a:", "    image: x", "    environment: *env", "  b:", "    image: x") +
      y("  c:", "    image: x", "    deploy:", "    environment:") +
      nets;
    const out = edited(text, (edits, s) => {
      for (const name of ["a", "b", "c"]) {
        edits.addEnvironment(s(name), [["URL", "nats://q:4222"]]);
        edits.addEnvironment(s(name), [["TOPIC", "t"]]);
        edits.addUnder(s(name), "deploy", { restart_policy: { condition: "any" } });
        edits.setNested(s(name), ["deploy", "placement", "constraints"], ["node.role == manager"]);
      }
    });
    const written = (indent: string) => [
      `${indent}environment:`,
      `${indent}  URL: nats://q:4222`,
      `${indent}  TOPIC: t`,
    ];
    const deploy = [
      "    deploy:",
      "      restart_policy:",
      "        condition: any",
      "      placement:",
      "        constraints:",
      "          - node.role == manager",
    ];
    expect(out).toBe(
      y("x-env: &env", "services:", "  a:", "    image: x", ...written("    "), ...deploy) +
        y("  b:", "    image: x", ...written("    "), ...deploy) +
        y("  c:", "    image: x", ...deploy, "    environment:", "      URL: nats://q:4222", "      TOPIC: t") +
        nets,
    );
  });

  it("adds a key under an own mapping once, however many additions make it: they merge into one", () => {
    const text =
      y("services:", "  a:", "    deploy:", "      mode: replicated", "    image: x") +
      y("  b:", "    image: x", "    deploy:", "      mode: global") +
      nets;
    const out = edited(text, (edits, s) => {
      edits.setNested(s("a"), ["deploy", "placement", "constraints"], ["node.role == manager"]);
      edits.addUnder(s("a"), "deploy", { placement: { preferences: [{ spread: "node.labels.zone" }] } });
      edits.addUnder(s("a"), "deploy", { restart_policy: { condition: "any" } });
      edits.addUnder(s("a"), "deploy", { restart_policy: { max_attempts: 3 } });
      // b's deploy: ends where b does: a key added to b itself after it must stay after its placement.
      edits.ahead(() => edits.addUnder(s("b"), "deploy", { placement: { preferences: [{ spread: "node.id" }] } }));
      edits.appendToList(s("b"), "extra_hosts", ["h:10.0.0.1"]);
      edits.setNested(s("b"), ["deploy", "placement", "constraints"], ["node.role == worker"]);
    });
    expect(out).toBe(
      y("services:", "  a:", "    deploy:", "      mode: replicated", "      placement:", "        constraints:") +
        y("          - node.role == manager", "        preferences:", "          - spread: node.labels.zone") +
        y("      restart_policy:", "        condition: any", "        max_attempts: 3", "    image: x") +
        y("  b:", "    image: x", "    deploy:", "      mode: global", "      placement:", "        preferences:") +
        y("          - spread: node.id", "        constraints:", "          - node.role == worker") +
        y("    extra_hosts:", "      - h:10.0.0.1") +
        nets,
    );
  });

  it("writes after an anchored empty value apart from its comment; a list tag goes with the list", () => {
    const text =
      y("services:", "  a:", "    deploy: &d  # filled later", "    networks: !!seq &n [backend, front]  # LAN") + nets;
    const out = edited(text, (edits, s) => {
      edits.addUnder(s("a"), "deploy", { restart_policy: { condition: "any" } });
      edits.keepNetworksWithAlias(s("a"), s("a").attachments, "a");
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    deploy: &d  {restart_policy: {condition: any}} # filled later",
        "    networks: &n {backend: {aliases: [a]}, front: {aliases: [a]}}  # LAN",
      ) + nets,
    );
  });

  it("replaces an own scalar environment rather than adding a second key", () => {
    const model = loadModel(y("services:", "  a:", "    image: x", "    environment: old") + nets, { file: "t.yml" });
    const edits = new ServiceEdits(model);
    edits.addEnvironment(model.services[0]!, [["URL", "nats://q:4222"]]);
    expect(edits.finish().output).toBe(
      y("services:", "  a:", "    image: x", "    environment:", "      URL: nats://q:4222") + nets,
    );
  });

  it("replaces text inside an own scalar where it is written literally, and only there", () => {
    const text =
      y("services:", "  a:", "    environment:", '      URL: "mqtt://host:1883"', '      ESC: "mqtt://\\x68ost:1883"') +
      nets;
    let results: boolean[] = [];
    const out = edited(text, (edits, s) => {
      const env = s("a").map.get("environment", true) as unknown as { get(k: string, keep: true): Node };
      results = ["URL", "ESC"].map((key) => edits.replaceInScalar(s("a"), env.get(key, true), "host", "b"));
    });
    expect(results).toEqual([true, false]);
    expect(out).toBe(
      y("services:", "  a:", "    environment:", '      URL: "mqtt://b:1883"', '      ESC: "mqtt://\\x68ost:1883"') +
        nets,
    );
  });

  it("removes matching labels in list or map form, and the key when none is left", () => {
    const text =
      y("services:", "  a:", "    deploy:", "      labels: [traefik.enable=true, keep=1]") +
      y("  b:", "    labels:", "      traefik.http: x") +
      nets;
    const results: boolean[] = [];
    const out = edited(text, (edits, s) => {
      results.push(edits.removeLabels(s("a"), true, (key) => key.startsWith("traefik.")));
      results.push(edits.removeLabels(s("b"), false, (key) => key.startsWith("traefik.")));
    });
    expect(results).toEqual([true, true]);
    expect(out).toBe(y("services:", "  a:", "    deploy:", "      labels: [keep=1]", "  b:") + nets);
  });
});

describe("ServiceEdits: one item of an own list, where it stands", () => {
  const long = { target: 53, published: 53, protocol: "udp", mode: "host" };

  it("replaces a block item by block items from its dash, its comment kept on the first line", () => {
    const text =
      y("services:", "  a:", "    ports: # LAN", "      # DNS", '      - "53:53/udp"   # queries', "      - 80") + nets;
    const out = edited(text, (edits, s) => {
      const a = s("a");
      edits.replaceListItem(a, "ports", a.ports[0]!.node, [long, "8080:8080"]);
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    ports: # LAN",
        "      # DNS",
        "      - target: 53   # queries",
        "        published: 53",
        "        protocol: udp",
        "        mode: host",
        '      - "8080:8080"',
        "      - 80",
      ) + nets,
    );
  });

  it("replaces a flow item, a tagged one from its tag on, and keeps single quotes and CRLF", () => {
    const text = y("services:\r", "  a:\r", "    ports: [ !!str 53:53/udp, '80' ]\r", "    expose:\r", "      - '9'\r");
    const out = edited(text, (edits, s, model) => {
      const a = s("a");
      edits.replaceListItem(a, "ports", a.ports[0]!.node, [long]);
      edits.replaceListItem(a, "ports", a.ports[1]!.node, ["80:80"]);
      const expose = model.resolver.get(a.map, "expose")!.value as YAMLSeq;
      edits.replaceListItem(a, "expose", expose.items[0] as Node, ["9-10", { a: 1 }]);
    });
    expect(out).toBe(
      y(
        "services:\r",
        "  a:\r",
        "    ports: [ {target: 53, published: 53, protocol: udp, mode: host}, '80:80' ]\r",
        "    expose:\r",
        "      - '9-10'\r",
        "      - a: 1\r",
      ),
    );
  });

  it("sets, adds and removes fields of a mapping item, ahead of items appended after it", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    ports:",
        "      - target: 80   # web",
        "        published: !!str 8080",
        "        host_ip: 127.0.0.1",
        "      - {target: 53, protocol: udp}",
      ) + nets;
    const out = edited(text, (edits, s) => {
      const a = s("a");
      edits.setItemFields(a, "ports", a.ports[0]!.node as YAMLMap, { published: 80, host_ip: undefined });
      edits.setItemFields(a, "ports", a.ports[1]!.node as YAMLMap, { published: 53, mode: "host" });
      edits.appendToList(a, "ports", ["443:443"]);
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    ports:",
        "      - target: 80   # web",
        "        published: 80",
        "      - {target: 53, protocol: udp, published: 53, mode: host}",
        '      - "443:443"',
      ) + nets,
    );
    const last =
      y("services:", "  a:", "    ports:", "      - target: 80", "        published: 80", "    image: x") + nets;
    const grown = edited(last, (edits, s) => {
      const a = s("a");
      edits.setItemFields(a, "ports", a.ports[0]!.node as YAMLMap, { mode: "host" });
      edits.appendToList(a, "ports", [long]);
    });
    expect(grown).toBe(
      y(
        "services:",
        "  a:",
        "    ports:",
        "      - target: 80",
        "        published: 80",
        "        mode: host",
        "      - target: 53",
        "        published: 53",
        "        protocol: udp",
        "        mode: host",
        "    image: x",
      ) + nets,
    );
  });

  it("records the ports the edited items publish, for verify", () => {
    const text = y("services:", "  a:", "    ports:", '      - "53:53/udp"', "      - {target: 80}") + nets;
    const model = loadModel(text, { file: "t.yml" });
    const edits = new ServiceEdits(model);
    const a = model.services[0]!;
    edits.replaceListItem(a, "ports", a.ports[0]!.node, [long]);
    edits.setItemFields(a, "ports", a.ports[1]!.node as YAMLMap, { published: 80, mode: "host" });
    expect([...edits.plan("a").publishes]).toEqual(["53:53/udp/host", "80:80/tcp/host"]);
  });

  it("refuses an item of a list the service does not write, or one another service aliases", () => {
    const text =
      y("x-p: &p", '  - "53:53/udp"', "services:", "  a:", "    ports: *p", "  b:", "    ports: &q [80]", "  c:") +
      y("    ports: *q") +
      nets;
    expect(() =>
      edited(text, (edits, s) => edits.replaceListItem(s("a"), "ports", s("a").ports[0]!.node, ["53:53/udp"])),
    ).toThrow('internal: an item edited in place is not in the own `ports:` list of "a"');
    expect(
      refusal(text, (edits, s) => edits.replaceListItem(s("b"), "ports", s("b").ports[0]!.node, ["80:80"])).message,
    ).toContain('`ports` of service "b" is the anchor &q, which other services use');
  });
});

describe("ServiceEdits: what comes from an anchor or a merge key is overridden, the anchor untouched", () => {
  const shared = y(
    "x-base: &base",
    '  ports: ["80"]',
    '  environment: {A: "1"}',
    "  deploy: {mode: global}",
    "  networks: [backend, front]",
  );

  it("appends to a merged-in list as a local override", () => {
    const text = shared + y("services:", "  a:", "    <<: *base", "    image: x") + nets;
    const out = edited(text, (edits, s) => edits.appendToList(s("a"), "ports", ["443"]));
    expect(out).toBe(
      shared +
        y("services:", "  a:", "    <<: *base", "    image: x", "    ports:", '      - "80"', '      - "443"') +
        nets,
    );
  });

  it("replaces an aliased value with the whole new value in flow style", () => {
    const text = y('x-p: &p ["80"]', "services:", "  a:", "    ports: *p") + nets;
    const out = edited(text, (edits, s) => edits.appendToList(s("a"), "ports", ["443"]));
    expect(out).toBe(y('x-p: &p ["80"]', "services:", "  a:", '    ports: ["80", "443"]') + nets);
  });

  it("overrides a merged-in environment, deploy and networks with the merged value plus the change", () => {
    const text = shared + y("services:", "  a:", "    <<: *base") + nets;
    const out = edited(text, (edits, s) => {
      edits.addEnvironment(s("a"), [["B", "2"]]);
      edits.addUnder(s("a"), "deploy", { restart_policy: { condition: "any" } });
      edits.detach(s("a"), (attachment) => attachment.key === "front");
    });
    expect(out).toBe(
      shared +
        y(
          "services:",
          "  a:",
          "    <<: *base",
          "    environment:",
          '      A: "1"',
          '      B: "2"',
          "    deploy:",
          "      mode: global",
        ) +
        y("      restart_policy:", "        condition: any", "    networks:", "      - backend") +
        nets,
    );
  });

  it("overrides a merged-in key it is asked to remove with an empty one; network_mode it refuses", () => {
    const text = shared + y("services:", "  a:", "    <<: *base") + nets;
    const out = edited(text, (edits, s) => edits.removeKey(s("a"), "ports"));
    expect(out).toBe(shared + y("services:", "  a:", "    <<: *base", "    ports: []") + nets);
    const compose = y("x-h: &h", "  network_mode: host", "services:", "  a:", "    <<: *h", "    image: x");
    expect(refusal(compose, (edits, s) => edits.removeKey(s("a"), "network_mode"))).toEqual({
      code: "UNSUPPORTED",
      message:
        'service "a" gets `network_mode` through a merge key; move it out of the shared anchor' +
        " so that stackmod can remove it",
      line: 4,
      column: 3,
    });
  });

  it("leaves labels that come from an anchor alone, saying so", () => {
    const text = y('x-l: &l {traefik.enable: "true"}', "services:", "  a:", "    labels: *l") + nets;
    let result: boolean | undefined;
    const out = edited(text, (edits, s) => (result = edits.removeLabels(s("a"), false, () => true)));
    expect(result).toBe(false);
    expect(out).toBe(text);
  });
});

describe("ServiceEdits: a shared node is refused, nothing written", () => {
  it("refuses a service whose body is an alias, or an anchor other services merge", () => {
    const alias = y("services:", "  a: &a", "    image: x", "  b: *a") + nets;
    expect(refusal(alias, (edits, s) => edits.appendToList(s("b"), "ports", ["80"]))).toMatchObject({
      code: "UNSUPPORTED",
      line: 4,
      column: 3,
    });
    expect(refusal(alias, (edits, s) => edits.assertOwnBody(s("b"))).message).toContain(
      'service "b" is written as an alias of another service\'s body (*a)',
    );
    const merged = y("services:", "  a: &a", "    image: x", "  b:", "    <<: *a") + nets;
    expect(refusal(merged, (edits, s) => edits.removeKey(s("a"), "image"))).toEqual({
      code: "UNSUPPORTED",
      message:
        'the body of service "a" is the anchor &a, which other services use; changing it would change them too:' +
        " move the shared keys to an x- block (x-a: &a) and merge it with <<",
      line: 2,
      column: 3,
    });
  });

  it("refuses to edit in place an own list that other services alias, at the anchor", () => {
    const text = y("services:", "  a:", "    ports: &p", '      - "80"', "  b:", "    ports: *p") + nets;
    expect(refusal(text, (edits, s) => edits.appendToList(s("a"), "ports", ["443"]))).toEqual({
      code: "UNSUPPORTED",
      message:
        '`ports` of service "a" is the anchor &p, which other services use; changing it would change them too:' +
        " move it to an x- block (x-p: &p ...) and refer to it with *p",
      line: 4,
      column: 7,
    });
  });

  it("refuses any splice into a shared node, whichever method makes it (the guard)", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    environment:",
        '      URL: &u "mqtt://host:1883"',
        "  b:",
        "    environment:",
        "      URL: *u",
      ) + nets;
    const scalarOf = (service: ServiceModel) =>
      (service.map.get("environment", true) as unknown as { get(k: string, keep: true): Scalar }).get("URL", true);
    let replaced: boolean | undefined;
    expect(edited(text, (edits, s) => (replaced = edits.replaceInScalar(s("a"), scalarOf(s("a")), "host", "b")))).toBe(
      text,
    );
    expect(replaced).toBe(false);
    expect(refusal(text, (edits, s) => edits.replaceScalar(scalarOf(s("a")), "x"))).toMatchObject({
      code: "UNSUPPORTED",
      line: 4,
      column: 12,
    });
    expect(refusal(text, (edits, s) => edits.replaceScalar(scalarOf(s("a")), "x")).message).toMatch(
      /^this rewrite would change the node anchored as &u, which is also used elsewhere through \*u/,
    );
  });

  it("refuses to add to a mapping that other services alias", () => {
    const text = y("services:", "  a:", "    environment: &e", '      A: "1"', "  b:", "    environment: *e") + nets;
    expect(refusal(text, (edits, s) => edits.addEnvironment(s("a"), [["B", "2"]]))).toMatchObject({
      code: "UNSUPPORTED",
      line: 3,
      column: 18,
    });
  });

  it("lets the alias itself be replaced, and an anchor nobody uses be edited", () => {
    const text =
      y("services:", "  a:", '    ports: &unused ["80"]', "  b:", '    ports: &p ["1"]', "  c:", "    ports: *p") +
      nets;
    const out = edited(text, (edits, s) => {
      edits.appendToList(s("a"), "ports", ["443"]);
      edits.appendToList(s("c"), "ports", ["2"]);
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        '    ports: &unused ["80", "443"]',
        "  b:",
        '    ports: &p ["1"]',
        "  c:",
        '    ports: ["1", "2"]',
      ) + nets,
    );
  });
});

describe("ServiceEdits: networks", () => {
  it("detaches items of an own list or map in place, and twice the same one once", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    networks: [backend, front]",
        "  b:",
        "    networks:",
        "      backend: {}",
        "      front:",
        "        aliases: [f]",
      ) + nets;
    const out = edited(text, (edits, s) => {
      edits.detach(s("a"), (n) => n.key === "front");
      edits.detach(s("a"), (n) => n.key === "front");
      edits.detach(s("b"), (n) => n.key === "front");
    });
    expect(out).toBe(
      y("services:", "  a:", "    networks: [backend]", "  b:", "    networks:", "      backend: {}") + nets,
    );
  });

  it("attaches a network in the form the file uses", () => {
    const text =
      y(
        "services:",
        "  a:",
        "    networks: [backend]",
        "  b:",
        "    networks:",
        "      backend: {}",
        "  c:",
        "    image: x",
      ) + nets;
    const out = edited(text, (edits, s) => {
      for (const name of ["a", "b", "c"]) edits.attach(s(name), "front");
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    networks: [backend, front]",
        "  b:",
        "    networks:",
        "      backend: {}",
        "      front: {}",
      ) +
        y("  c:", "    image: x", "    networks:", "      - front") +
        nets,
    );
  });

  it("puts a service on another network where it was on the first one given, its settings kept", () => {
    const text =
      y("services:", "  a:", "    networks:", "      backend: {ipv4_address: 10.0.0.2} # fixed", "      front: {}") +
      nets;
    const out = edited(text, (edits, s) => {
      const a = s("a");
      edits.replaceAttachment(a, a.attachments, "lan");
    });
    expect(out).toBe(y("services:", "  a:", "    networks:", "      lan: {ipv4_address: 10.0.0.2} # fixed") + nets);
  });

  it("keeps some networks, each with an alias: a flow list becomes a flow mapping, from each item's tag on", () => {
    const text = y(
      "services:",
      "  a:",
      "    networks: [ !!str backend, front, host]",
      "networks:",
      "  backend: {}",
      "  front: {}",
      "  host: {external: true, name: host}",
    );
    const out = edited(text, (edits, s) => {
      const a = s("a");
      edits.keepNetworksWithAlias(a, a.attachments.slice(0, 2), "a");
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    networks: { backend: {aliases: [a]}, front: {aliases: [a]}}",
        "networks:",
        "  backend: {}",
        "  front: {}",
      ) + y("  host: {external: true, name: host}"),
    );
  });

  it("keeps some networks, each with an alias: block list items become entries; an own aliases list grows", () => {
    // The comment on a list item's line goes with the item it was written for: the entry it becomes.
    const text = y(
      "services:",
      "  a:",
      "    networks:",
      "      - backend # why",
      "      - host",
      "  b:",
      "    networks:",
      "      backend:",
      "        aliases: [x]",
      "      front:",
      "      host:",
      "networks:",
      "  backend: {}",
      "  front: {}",
      "  host: {external: true, name: host}",
    );
    const out = edited(text, (edits, s) => {
      edits.keepNetworksWithAlias(s("a"), s("a").attachments.slice(0, 1), "a");
      edits.keepNetworksWithAlias(s("b"), s("b").attachments.slice(0, 2), "b");
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    networks:",
        "      backend: # why",
        "        aliases:",
        "          - a",
        "  b:",
        "    networks:",
      ) +
        y("      backend:", "        aliases: [x, b]", "      front:", "        aliases:", "          - b") +
        y("networks:", "  backend: {}", "  front: {}", "  host: {external: true, name: host}"),
    );
  });
});

describe("ServiceEdits: services and top-level declarations", () => {
  it("renames a service and what refers to it; records both", () => {
    const text =
      y("services:", "  a:", "    image: x", "  b:", "    depends_on: [a]", '    links: ["a", "a:db"]') + nets;
    let followed: string[] = [];
    let renamed: [string, string][] = [];
    const out = edited(text, (edits, s) => {
      edits.renameService(s("a"), "a-processor");
      edits.renameReferences("a", "a-processor");
      followed = [...(edits.followed.get("b") ?? [])];
      renamed = [...edits.renamed];
    });
    expect(out).toBe(
      y(
        "services:",
        "  a-processor:",
        "    image: x",
        "  b:",
        "    depends_on: [a-processor]",
        "    links: [a-processor:a, a-processor:db]",
      ) + nets,
    );
    expect(followed).toEqual(["depends_on", "links"]);
    expect(renamed).toEqual([["a-processor", "a"]]);
  });

  it("adds services after one, refusing a name the file uses", () => {
    const text = y("services:", "  a:", "    image: x", "  b:", "    image: y") + nets;
    const out = edited(text, (edits, s) => edits.addServices(s("a"), [["a-proxy", { image: "socat" }]]));
    expect(out).toBe(
      y("services:", "  a:", "    image: x", "  a-proxy:", "    image: socat", "  b:", "    image: y") + nets,
    );
    for (const taken of ["b", "backend"]) {
      expect(refusal(text, (edits, s) => edits.addServices(s("a"), [[taken, {}]]))).toMatchObject({
        code: "NAME_COLLISION",
        line: 2,
      });
    }
  });

  it("declares top-level entries once, in the existing section or a new one at the end", () => {
    const text = y("services:", "  a:", "    image: x", "") + nets;
    const out = edited(text, (edits) => {
      edits.declare("networks", "lan", { driver: "macvlan" });
      edits.declare("networks", "lan", { driver: "other" });
      edits.declare("networks", "backend", { driver: "other" });
      edits.declare("volumes", "q", {});
    });
    expect(out).toBe(
      y(
        "services:",
        "  a:",
        "    image: x",
        "",
        "networks:",
        "  backend: {}",
        "  front: {}",
        "  lan: {driver: macvlan}",
        "",
        "volumes:",
        "  q: {}",
      ),
    );
  });

  it("declares into a flow section in its style, and refuses a section others alias", () => {
    const text = y("services:", "  a:", "    image: x", "networks: {backend: {}}");
    const out = edited(text, (edits) => {
      edits.declare("networks", "lan", { driver: "macvlan" });
      edits.declare("networks", "q", {});
    });
    expect(out).toBe(y("services:", "  a:", "    image: x", "networks: {backend: {}, lan: {driver: macvlan}, q: {}}"));
    const shared = y("services:", "  a:", "    image: x", "networks: &n {backend: {}}", "x-n: *n");
    expect(refusal(shared, (edits) => edits.declare("networks", "lan", {}))).toMatchObject({
      code: "UNSUPPORTED",
      line: 4,
      column: 11,
    });
  });

  it("refuses a port published twice or bound twice on the host", () => {
    const text = y("services:", "  a:", '    ports: ["8080:80"]', "  b:", "    image: x") + nets;
    expect(refusal(text, (edits, s) => edits.claimPublishedPort(8080, "tcp", s("b"))).message).toBe(
      'stackmod would publish 8080/tcp for "b", but "a" already publishes it;' +
        ' choose another with `ports: ["PUBLISHED:TARGET/tcp"]` in x-stackmod',
    );
    expect(refusal(text, (edits, s) => edits.claimHostListen(8080, "tcp", "b-proxy", s("b"))).message).toBe(
      '"b-proxy" would listen on host port 8080/tcp for "b", but "a" already publishes it, and a port cannot be' +
        ' bound twice on a node; publish the other one elsewhere, or give "b" another strategy',
    );
    const both = (edits: ServiceEdits, s: (name: string) => ServiceModel) => {
      edits.claimHostListen(53, "udp", "b-proxy", s("b"));
      edits.claimHostListen(53, "udp", "b-proxy", s("b"));
      edits.claimPublishedPort(53, "tcp", s("b"));
      edits.claimPublishedPort(53, "udp", s("b"));
    };
    expect(refusal(text, both).message).toBe(
      'stackmod would publish 53/udp for "b", but "b-proxy" listens on that host port;' +
        ' choose another with `ports: ["PUBLISHED:TARGET/udp"]` in x-stackmod',
    );
  });

  it("frees the ports of entries it rewrites for the service itself, and only those no other entry publishes", () => {
    const text =
      y("services:", "  a:", '    ports: ["53:53/udp", "53:5353/udp", "80:80"]', "  b:", "    image: x") + nets;
    const claims = (edits: ServiceEdits, s: (name: string) => ServiceModel) => {
      const a = s("a");
      edits.releasePublishedPorts(a, [a.ports[0]!, a.ports[2]!]);
      edits.claimPublishedPort(80, "tcp", a);
      edits.claimPublishedPort(53, "udp", a);
    };
    expect(refusal(text, claims).message).toBe(
      'stackmod would publish 53/udp for "a", but "a" already publishes it;' +
        ' choose another with `ports: ["PUBLISHED:TARGET/udp"]` in x-stackmod',
    );
    const other = (edits: ServiceEdits, s: (name: string) => ServiceModel) => {
      edits.releasePublishedPorts(s("b"), s("a").ports);
      edits.claimPublishedPort(80, "tcp", s("b"));
    };
    expect(refusal(text, other).message).toContain('but "a" already publishes it');
  });

  it("hands back the edits against the text it read, with the new text", () => {
    const text = y("services:", "  a:", "    image: x") + nets;
    const model = loadModel(text, { file: "t.yml" });
    const edits = new ServiceEdits(model);
    edits.setKey(model.services[0]!, "image", "nginx");
    const { output, edits: list } = edits.finish();
    expect(output).toBe(y("services:", "  a:", "    image: nginx") + nets);
    const [start, end] = [text.indexOf("    image"), text.indexOf("networks:")];
    expect(list.map((edit) => [edit.start, edit.end, edit.text])).toEqual([[start, end, y("    image: nginx")]]);
  });
});

describe("ServiceEdits.copyInto: text copied as written (an inlined extends), protected as every edit", () => {
  const base = y(
    "services:",
    "  base:",
    "    cap_add: [NET_ADMIN]",
    "  a:",
    "    extends: base",
    "    volumes:",
    "      - /d:/d",
  );

  it("splices the copies into the service's own nodes", () => {
    const out = edited(base, (edits, s, model) => {
      const a = s("a");
      const extendsPair = model.resolver.get(a.map, "extends")!.pair;
      const volumes = model.resolver.get(a.map, "volumes")!.value!;
      const at = base.indexOf("extends");
      const line = base.indexOf("      - /d");
      edits.copyInto(a, [
        { key: "volumes", into: volumes, start: line, end: line, text: "      - /b:/b\n" },
        {
          key: "extends",
          into: extendsPair,
          start: at - 4,
          end: at + "extends: base\n".length,
          text: "    cap_add: [NET_ADMIN]\n",
        },
      ]);
    });
    expect(out).toBe(
      y(
        "services:",
        "  base:",
        "    cap_add: [NET_ADMIN]",
        "  a:",
        "    cap_add: [NET_ADMIN]",
        "    volumes:",
        "      - /b:/b",
        "      - /d:/d",
      ),
    );
  });

  it("refuses a service whose body is an alias, a list others alias, and a splice outside the service", () => {
    const aliased = y("services:", "  a: &a", "    image: x", "  b: *a");
    expect(
      refusal(aliased, (edits, s) =>
        edits.copyInto(s("b"), [{ key: "image", into: s("b").map, start: 0, end: 0, text: "" }]),
      ),
    ).toMatchObject({ code: "UNSUPPORTED", line: 4 });
    const shared = y("services:", "  a:", "    volumes: &v", "      - /d:/d", "  b:", "    volumes: *v");
    const line = shared.indexOf("      - /d");
    expect(
      refusal(shared, (edits, s, model) =>
        edits.copyInto(s("a"), [
          {
            key: "volumes",
            into: model.resolver.get(s("a").map, "volumes")!.value!,
            start: line,
            end: line,
            text: "      - /b:/b\n",
          },
        ]),
      ),
    ).toEqual({
      code: "UNSUPPORTED",
      line: 4,
      column: 7,
      message:
        '`volumes` of service "a" is the anchor &v, which other services use; changing it would change them too:' +
        " move it to an x- block (x-v: &v ...) and refer to it with *v",
    });
    const outside = base.indexOf("  a:");
    expect(
      refusal(base, (edits, s, model) =>
        edits.copyInto(s("a"), [
          {
            key: "volumes",
            into: model.resolver.get(s("a").map, "volumes")!.value!,
            start: outside - 1,
            end: outside - 1,
            text: "x",
          },
        ]),
      ),
    ).toMatchObject({ code: "INTERNAL", line: 4, column: 3 });
  });
});
