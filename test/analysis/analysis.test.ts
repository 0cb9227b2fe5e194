import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { StackAnalysis } from "../../src/analysis/index.js";
import { chooseDefault } from "../../src/plan/decide.js";
import { transforms } from "../../src/strategies/index.js";
import { loadModel } from "../../src/model/load.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

const networks = "networks:\n  hostnet: {external: true, name: host}\n  backend: {driver: overlay}\n";
const stack = (body: string, version = "3.8") => `version: "${version}"\nservices:\n${body}${networks}`;
const analyze = (text: string, name: string) => {
  const model = loadModel(text, { file: "stack.yml" });
  const service = model.services.find((s) => s.name === name)!;
  return { facts: new StackAnalysis(model).analyze(service, { ports: [], source: "" }), service };
};

const adguard = (ports: string) =>
  stack(
    `  adguard:\n    image: adguard/adguardhome\n    networks: [hostnet, backend]\n${ports}` +
      "    deploy:\n      placement:\n        constraints: [node.hostname == dns]\n      labels:\n" +
      "        - traefik.http.services.adguard.loadbalancer.server.port=3000\n",
  );

describe("the analysis stage", () => {
  it("a Traefik label is the overlay side (who reaches it, at which port), never a host port", () => {
    const { facts } = analyze(adguard('    expose: ["53/udp", "53"]\n'), "adguard");
    expect(
      facts.hostPorts.map((p) => [p.port, p.protocol, p.source, p.evidence.path, p.evidence.position.line]),
    ).toEqual([
      [53, "udp", "expose", "expose[0]", 6],
      [53, "tcp", "expose", "expose[1]", 6],
    ]);
    expect(facts.reachedBy).toEqual([
      expect.objectContaining({ from: "traefik", kind: "reverse-proxy", port: 3000, protocol: "tcp" }),
    ]);
    expect(facts.reachedBy[0]!.evidence.position.line).toBe(11);
  });

  it("AdGuard with a label for 3000, rewritten with proxy inbound, still forwards DNS on 53, not 3000", () => {
    const result = rewrite(adguard('    expose: ["53/udp", "53"]\n'), {
      file: "stack.yml",
      options: { strategy: "proxy" },
    });
    expect(result.output).toContain("UDP4-LISTEN:53,fork");
    expect(result.output).toContain("TCP4-LISTEN:53,fork");
    expect(result.output).not.toContain("LISTEN:3000");
    expect(result.flows.map((f) => `${f.from} → ${f.to}: ${f.status}`)).toEqual([
      "LAN → adguard 53/udp: kept",
      "LAN → adguard 53/tcp: kept",
      "traefik → adguard:3000: kept",
    ]);
  });

  it("with only the label, the default keeps it on the host with an overlay proxy carrying 3000", () => {
    const result = rewrite(adguard(""), { file: "stack.yml" });
    expect(result.applied).toEqual([
      expect.objectContaining({ service: "adguard", strategy: "proxy", facts: { direction: "outbound" } }),
    ]);
    expect(result.applied[0]!.reason).toContain(
      "the overlay reaches it: traefik at 3000 (deploy.labels[0] at line 10)",
    );
    expect(result.output).toContain("TCP4-LISTEN:3000,fork");
  });

  it("references to services: with a port, after //, as a command item, under a *_HOST key (not DB_NAME: db)", () => {
    const text = stack(
      "  app:\n    image: app\n    networks: [hostnet, backend]\n    environment:\n" +
        "      MQTT_URL: mqtt://broker:1883\n      DB_HOST: db\n      DB_NAME: db\n      NOTE: see broker docs\n" +
        '    command: ["--cache", "redis"]\n' +
        "  broker: {image: mosquitto, networks: [backend]}\n  db: {image: postgres, networks: [backend]}\n" +
        "  redis:\n    image: redis\n    networks:\n      backend: {aliases: [cache.local]}\n",
    );
    const { facts } = analyze(text, "app");
    expect(facts.reaches.map((r) => [r.service, r.text, r.port, r.evidence.path, r.evidence.position.line])).toEqual([
      ["broker", "broker:1883", 1883, "environment.MQTT_URL", 7],
      ["db", "db", undefined, "environment.DB_HOST", 8],
      ["redis", "redis", undefined, "command[1]", 11],
    ]);
    const broker = analyze(text, "broker").facts;
    expect(broker.reachedBy).toEqual([expect.objectContaining({ from: "app", kind: "service", port: 1883 })]);
  });

  it("broadcast and multicast evidence, with what it means and where", () => {
    const text = stack(
      "  ha:\n    image: ha\n    networks: [hostnet, backend]\n    cap_add: [NET_RAW]\n" +
        "    environment: [KNX_GROUP=224.0.23.12]\n    expose: ['5353/udp', '47808/udp', '10000-20000/udp']\n",
    );
    const { facts, service } = analyze(text, "ha");
    expect(facts.lan.map((u) => `${u.kind} ${u.implied ? "(implied) " : ""}${u.what} @${u.evidence.path}`)).toEqual([
      "sends mDNS multicast (224.0.0.251) @expose[0]",
      "receives BACnet/IP broadcasts (Who-Is/I-Am) @expose[1]",
      "sends (implied) broadcast Who-Is (device discovery) @expose[1]",
      "sends a wide port range (10000-20000/udp), served from the host's stack @expose[2]",
      "sends cap_add NET_RAW (raw sockets or interface configuration on the host's network) @cap_add[0]",
      "sends the multicast group 224.0.23.12 @environment[0]",
    ]);
    const choice = chooseDefault(facts, service, transforms);
    expect([choice.transform.name, choice.options]).toEqual(["proxy", { direction: "outbound" }]);
    expect(choice.reason).toContain("mDNS multicast (224.0.0.251) (expose[0] at line 8)");
  });

  it("a known broadcast port alone is proxy inbound; unicast ports alone are publish", () => {
    const bacnet = analyze(
      stack("  b:\n    image: b\n    networks: [hostnet, backend]\n    expose: ['47808/udp']\n"),
      "b",
    );
    const inbound = chooseDefault(bacnet.facts, bacnet.service, transforms);
    expect([inbound.transform.name, inbound.options]).toEqual(["proxy", { direction: "inbound" }]);
    const modbus = analyze(stack("  m:\n    image: m\n    networks: [hostnet, backend]\n    expose: [502]\n"), "m");
    const published = chooseDefault(modbus.facts, modbus.service, transforms);
    expect([published.transform.name, published.options]).toEqual(["publish", {}]);
  });

  it("nothing conclusive: exit 2 with what was found and the choices, never a guess", () => {
    const error = stackmodErrorOf(() =>
      rewrite(stack("  x:\n    image: x\n    networks: [hostnet, backend]\n"), { file: "stack.yml" }),
    );
    expect([error.code, error.line, error.column]).toEqual(["UNDECIDED", 3, 3]);
    expect(error.message).toContain("--strategy publish|proxy|split|lan");
  });
});

describe("publish", () => {
  it("before file format 3.2 it is refused with the reason (mode: host needs long syntax)", () => {
    const error = stackmodErrorOf(() =>
      rewrite(stack("  m:\n    image: m\n    networks: [hostnet, backend]\n    expose: [502]\n", "3.1"), {
        file: "stack.yml",
      }),
    );
    expect(error.code).toBe("UNSUPPORTED");
    expect(error.message).toContain('need file format 3.2; this file says version 3.1: raise version to "3.2"');
  });

  it('reads version "3" as docker does, as the newest 3.x (3.13), and "3.0" as 3.0', () => {
    const body = "  m:\n    image: m\n    networks: [hostnet, backend]\n    expose: [502]\n";
    expect(rewrite(stack(body, "3"), { file: "stack.yml" }).output).toContain("mode: host");
    const error = stackmodErrorOf(() => rewrite(stack(body, "3.0"), { file: "stack.yml" }));
    expect(error.message).toContain("this file says version 3.0");
  });

  it("a PUBLISHED:TARGET port cannot keep its number, and says so", () => {
    const error = stackmodErrorOf(() =>
      rewrite(stack("  m:\n    image: m\n    networks: [hostnet, backend]\n"), {
        file: "stack.yml",
        options: { strategy: "publish", ports: ["1502:502"] },
      }),
    );
    expect(error.message).toContain("1502:502 cannot be honoured");
  });
});

describe("outbound keeps the service's own overlay connections where it can", () => {
  it("a reference through an anchor is not edited in place: the warning names it", () => {
    const text =
      'version: "3.8"\nx-env: &env\n  MQTT_URL: mqtt://broker:1883\nservices:\n' +
      "  ha:\n    image: ha\n    environment: *env\n    networks: [hostnet, backend]\n" +
      "    x-stackmod: {ports: [8123], proxy: {direction: outbound}}\n    deploy: {mode: global}\n" +
      '  broker:\n    image: mosquitto\n    ports: ["1883:1883"]\n    networks: [backend]\n' +
      networks;
    const result = rewrite(text, { file: "stack.yml" });
    expect(result.output).toContain("MQTT_URL: mqtt://broker:1883");
    expect(result.notes.map((n) => n.message)).toContainEqual(
      expect.stringContaining(
        'refers to "broker:1883", which does not resolve on the host network; "broker" publishes it at 127.0.0.1:1883',
      ),
    );
    expect(result.flows.find((f) => f.to === "broker:1883")).toMatchObject({ status: "lost" });
  });

  describe("strategy: proxy given without a direction (the evidence decides it; a direction given wins)", () => {
    const mdns = (options: string) =>
      stack(
        "  ha:\n    image: ghcr.io/home-assistant/home-assistant\n    networks: [hostnet, backend]\n" +
          `    x-stackmod: ${options}\n` +
          "    deploy:\n      placement:\n        constraints: [node.hostname == ha-node]\n" +
          "      labels:\n        - traefik.http.services.ha.loadbalancer.server.port=8123\n",
      );
    const applied = (text: string) => rewrite(text, { file: "stack.yml" }).applied;

    it("only a reverse proxy reaches it: outbound, with the evidence (was NO_PORT: inbound needs host ports)", () => {
      expect(applied(mdns("{strategy: proxy}"))).toEqual([
        {
          service: "ha",
          strategy: "proxy",
          facts: { direction: "outbound" },
          reason:
            "strategy proxy as given, outbound from the evidence: no port it receives on the host is known, and the " +
            "overlay reaches it: traefik at 8123 (deploy.labels[0] at line 11)",
        },
      ]);
    });

    it("it joins mDNS: outbound, even with host ports that alone would mean inbound", () => {
      const [first] = applied(mdns('{strategy: proxy, ports: ["5353/udp", 8123]}'));
      expect(first).toMatchObject({ facts: { direction: "outbound" } });
      expect(first!.reason).toMatch(
        /^strategy proxy as given, outbound from the evidence: it keeps the host network: /,
      );
      expect(first!.reason).toContain("mDNS multicast (224.0.0.251) (x-stackmod.ports at line 6)");
    });

    it("a direction given wins over the evidence, and says so", () => {
      expect(applied(mdns('{strategy: proxy, ports: ["5353/udp", 8123], proxy: {direction: inbound}}'))).toEqual([
        { service: "ha", strategy: "proxy", facts: { direction: "inbound" }, reason: "strategy proxy as given" },
      ]);
      // Inbound given for a service the evidence sends outbound: inbound it is, and inbound needs host ports.
      const given = () =>
        rewrite(mdns("{strategy: proxy}"), { file: "stack.yml", options: { proxy: { direction: "inbound" } } });
      expect(stackmodErrorOf(given)).toMatchObject({ code: "NO_PORT" });
    });
  });
});
