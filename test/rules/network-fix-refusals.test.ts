import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { hostPortBindings, newDoubleBindings } from "../../src/model/host-ports.js";
import { loadModel } from "../../src/model/load.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * Rewrites refused because keeping the service working needs something the file does not
 * say: which of two network settings the author meant, or a placement that puts a
 * companion on the service's node.
 */
const networks = "networks:\n  hostnet: {external: true, name: host}\n  backend: {driver: overlay}\n";
const stack = (service: string) => `version: "3.8"\nservices:\n  gw:\n    image: gw:1\n${service}${networks}`;
const refusal = (text: string, options = {}) => stackmodErrorOf(() => rewrite(text, { file: "stack.yml", options }));

describe("the same node, or a refusal", () => {
  it("outbound: a constraint on labels with replicas: 1 can land the proxy on another labelled node", () => {
    const text = stack(
      "    networks: [hostnet, backend]\n    deploy:\n      replicas: 1\n      placement:\n        constraints: " +
        "[node.labels.zigbee == true]\n",
    );
    const error = refusal(text, { ports: [8080], proxy: { direction: "outbound" } });
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 3, 3]);
    expect(error.message).toBe(
      'service "gw": the proxy reaches it through its default gateway, which is the node the proxy runs on, so ' +
        '"gw-proxy" must run on the same node as "gw", and nothing in its placement guarantees that: its ' +
        "constraints (node.labels.zigbee == true) can match several nodes and it is not global; constrain it " +
        "to one node (deploy.placement.constraints: [node.hostname == NODE]) or run it in deploy.mode: " +
        "global, then rewrite",
    );
  });

  it("inbound with publish: host and no placement at all", () => {
    const error = refusal(stack("    networks: [hostnet, backend]\n"), {
      ports: ["47808/udp"],
      proxy: { publish: "host" },
    });
    expect(error.code).toBe("UNSUPPORTED");
    expect(error.message).toContain("its ports are published with mode: host");
    expect(error.message).toContain("it has no placement constraint and it is not global");
  });

  it("inbound on a dnsrr service (published in mode host) with a role constraint", () => {
    const text = stack(
      "    networks: [hostnet, backend]\n    deploy:\n      endpoint_mode: dnsrr\n      placement:\n        " +
        "constraints: [node.role == worker]\n",
    );
    const error = refusal(text, { strategy: "proxy", ports: [53] });
    expect(error.message).toContain("its constraints (node.role == worker) can match several nodes");
  });

  it("a dnsrr service in a file older than 3.2 cannot publish in mode host", () => {
    const text = stack("    networks: [hostnet, backend]\n    deploy:\n      endpoint_mode: dnsrr\n").replace(
      '"3.8"',
      '"3.1"',
    );
    const error = refusal(text, { strategy: "proxy", ports: [53] });
    expect(error.message).toContain("port published with ingress mode can't be used with dnsrr mode");
    expect(error.message).toContain('raise version: to "3.2" or later, or use endpoint_mode: vip');
  });

  it("split with queue.publish: host: a global service does not pin the single queue", () => {
    const text = stack(
      "    networks: [hostnet, backend]\n    deploy:\n      mode: global\n      placement:\n        constraints: " +
        "[node.labels.plant == true]\n",
    );
    const error = refusal(text, { strategy: "split", queue: { publish: "host" } });
    expect(error.message).toContain('so "gw-queue" must run on the same node as "gw"');
    expect(error.message).toContain("and the companion is a single service");
    expect(error.message).not.toContain("deploy.mode: global");
  });

  it("holds with node.id ==, and says so", () => {
    const text = stack(
      "    networks: [hostnet, backend]\n    deploy:\n      placement:\n        constraints: [node.id==k3x9]\n",
    );
    const result = rewrite(text, { file: "stack.yml", options: { ports: [8080], proxy: { direction: "outbound" } } });
    expect(result.notes).toContainEqual({
      level: "info",
      message: 'gw: "gw-proxy" runs on the node of each task of "gw": both are constrained to `node.id==k3x9`',
    });
  });

  it("inbound through ingress needs no same node: the routing mesh reaches the service anywhere", () => {
    const result = rewrite(stack("    networks: [hostnet, backend]\n"), {
      file: "stack.yml",
      options: { strategy: "proxy", ports: [8080] },
    });
    expect(result.applied).toEqual([
      {
        service: "gw",
        strategy: "proxy",
        facts: { direction: "inbound" },
        reason:
          "strategy proxy as given, inbound from the evidence: it receives 8080/tcp on the host (from the command " +
          "line, " +
          "x-stackmod.ports at line 3), which a proxy on the host network forwards",
      },
    ]);
  });
});

describe("Compose network_mode beside networks: that is no host conflict", () => {
  it("network_mode: bridge with networks: is refused: which one was meant is the author's", () => {
    const text =
      "services:\n  web:\n    image: web:1\n    network_mode: bridge\n    networks: [backend]\nnetworks:\n  " +
      "backend: {}\n";
    const error = refusal(text, { ports: [80] });
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 4, 19]);
    expect(error.message).toBe(
      'service "web" sets network_mode: bridge and networks: ("backend"), which Compose refuses together; this is ' +
        "not a host-network conflict, and which of the two you meant is yours to say: remove one of them",
    );
  });

  it("service:X never goes to a strategy, even when one is asked for", () => {
    const text =
      'services:\n  vpn:\n    image: vpn:1\n  app:\n    image: app:1\n    network_mode: "service:vpn"\n    ' +
      "networks: [backend]\nnetworks:\n  backend: {}\n";
    const result = rewrite(text, { file: "compose.yml", options: { strategy: "split", ports: [80] } });
    expect(result.applied).toEqual([{ service: "app", strategy: "fix" }]);
    expect(result.output).toBe(text.replace("    networks: [backend]\n", ""));
  });
});

describe("never a host port bound twice", () => {
  const two = (a: string, b: string) =>
    `version: "3.8"\nservices:\n  a:\n    image: a:1\n    networks: [hostnet, backend]\n${a}  b:\n    image: ` +
    `b:1\n    networks: [hostnet, backend]\n${b}${networks}`;

  it("two services that receive the same host port: the second proxy is refused", () => {
    const text = two("    x-stackmod: {ports: [502]}\n", '    x-stackmod: {ports: ["15020:502"]}\n');
    const error = refusal(text, { strategy: "proxy" });
    expect([error.code, error.line]).toEqual(["PORT_COLLISION", 7]);
    expect(error.message).toBe(
      '"b-proxy" would listen on host port 502/tcp for "b", but "a-proxy" already listens on it, and a port cannot ' +
        'be bound twice on a node; publish the other one elsewhere, or give "b" another strategy',
    );
  });

  it("a host port another service publishes: refused", () => {
    const text =
      `version: "3.8"\nservices:\n  web:\n    image: web:1\n    networks: [backend]\n    ports: ` +
      `["8080:80"]\n  gw:\n    image: gw:1\n    networks: [hostnet, backend]\n    x-stackmod: {ports: ` +
      `[8080]}\n${networks}`;
    expect(refusal(text, { strategy: "proxy" }).message).toContain('but "web" already publishes it');
  });

  it("a port an outbound service keeps listening on: a later inbound proxy may not take it", () => {
    const text = two(
      "    x-stackmod: {ports: [8123], proxy: {direction: outbound}}\n    deploy: {mode: global}\n",
      '    x-stackmod: {ports: ["18123:8123"]}\n',
    );
    expect(refusal(text, { strategy: "proxy" }).message).toContain('but "a" already listens on it');
  });

  it("the verify step reads the bindings of the output on its own", () => {
    const text =
      `version: "3.8"\nservices:\n  p:\n    image: alpine/socat:1.8.0.1\n    command: ["sh", "-c", ` +
      `"socat TCP4-LISTEN:502,fork TCP4:127.0.0.1:10502"]\n    networks: [hostnet]\n  web:\n    image: ` +
      `web:1\n    networks: [backend]\n    ports: ["502:502", {target: 53, published: 53, protocol: udp, ` +
      `mode: host}]\n${networks}`;
    const bindings = hostPortBindings(loadModel(text, { file: "s.yml" }));
    expect(Object.fromEntries(bindings)).toEqual({
      "502/tcp": [{ who: "p listens on it" }, { who: "web publishes it" }],
      "53/udp": [{ who: "web publishes it" }],
    });
    expect(newDoubleBindings(new Map(), bindings)).toEqual([["502/tcp", ["p listens on it", "web publishes it"]]]);
    expect(newDoubleBindings(bindings, bindings)).toEqual([]);
  });

  it("host_ip: in Compose two addresses on one port are no double bind; the same address, or every address, is", () => {
    const compose = (ports: string) =>
      hostPortBindings(loadModel(`services:\n  a:\n    image: a:1\n    ports: [${ports}]\n`, { file: "c.yml" }));
    const twice = (ports: string) => newDoubleBindings(new Map(), compose(ports)).map(([port, by]) => [port, by]);
    expect(twice('"127.0.0.1:80:80", "192.168.1.5:80:81", "[::1]:80:82"')).toEqual([]);
    expect(twice('{target: 80, published: 80, host_ip: 127.0.0.1}, "10.0.0.1:80:81"')).toEqual([]);
    expect(twice('"127.0.0.1:80:80", {target: 81, published: 80, host_ip: 127.0.0.1}')).toEqual([
      ["80/tcp", ["a publishes it on 127.0.0.1", "a publishes it on 127.0.0.1"]],
    ]);
    expect(twice('"127.0.0.1:80:80", "80:81"')).toEqual([
      ["80/tcp", ["a publishes it on 127.0.0.1", "a publishes it"]],
    ]);
    expect(twice('"127.0.0.1:80:80", "0.0.0.0:80:81"')).toEqual([
      ["80/tcp", ["a publishes it on 127.0.0.1", "a publishes it"]],
    ]);
    // Swarm publishes on every address whatever host_ip says (stack-host-ip): there it is a double bind.
    const stack =
      `version: "3.8"\nservices:\n  a:\n    image: a:1\n    ports: ["127.0.0.1:80:80", ` +
      `"10.0.0.1:80:81"]\n    deploy: {}\n`;
    expect(newDoubleBindings(new Map(), hostPortBindings(loadModel(stack, { file: "s.yml" })))).toEqual([
      ["80/tcp", ["a publishes it", "a publishes it"]],
    ]);
  });
});
