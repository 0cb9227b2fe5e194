import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadModel } from "../../src/model/load.js";
import { rewrite } from "../../src/index.js";
import { dockerPorts, stackConfig } from "../helpers/stack-config.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * docker publishes SCTP ports: the short syntax `/sctp` (any case: go-connections nat.ParsePortSpec
 * lower-cases it) and the long `protocol: sctp` (docker/cli v28.2.2 opts/swarmopts/port.go takes tcp, udp
 * and sctp; cli/compose/types ServicePortConfig.Protocol is a string passed on). stackmod reads them as
 * SCTP, not as TCP: publish keeps the flow, proxy refuses it.
 */
const text = (protocol: string) => `version: "3.8"
services:
  amf:
    image: x
    networks: [hostnet, core]
    ports:
      - target: 38412
        published: 38412
        protocol: ${protocol}
        mode: host
      - "38413:38413/${protocol}"
    deploy:
      mode: global
networks:
  hostnet:
    external: true
    name: host
  core:
    driver: overlay
`;

describe("SCTP ports are read as SCTP, as docker reads them", () => {
  for (const protocol of ["sctp", "SCTP"]) {
    it(`protocol: ${protocol}: docker stack config keeps SCTP, and so does the model`, () => {
      const input = text(protocol);
      const ports = dockerPorts(input, "amf");
      expect(ports.map((p) => [p.target, p.protocol.toLowerCase()])).toEqual([
        [38412, "sctp"],
        [38413, "sctp"],
      ]);
      const model = loadModel(input, { file: "stack.yml" });
      expect(model.services[0]!.ports.map((p) => [p.target, p.protocol])).toEqual([
        [38412, "sctp"],
        [38413, "sctp"],
      ]);
    });
  }

  it("publish keeps them at the same numbers in SCTP, and the flows say so", () => {
    const input = text("sctp");
    const result = rewrite(input, { file: "stack.yml", options: { strategy: "publish" } });
    const published = parse(result.output) as {
      services: { amf: { ports: { target: number; protocol: string; mode: string }[] } };
    };
    expect(published.services.amf.ports.map((p) => `${p.target}/${p.protocol}/${p.mode}`)).toEqual([
      "38412/sctp/host",
      "38413/sctp/host",
    ]);
    expect(result.flows.map((f) => `${f.from} → ${f.to}: ${f.status}`)).toEqual([
      "LAN → amf 38412/sctp: kept",
      "LAN → amf 38413/sctp: kept",
    ]);
    const after = stackConfig({ files: [["stack.yml", result.output]] });
    expect(after.ok, after.ok ? "" : after.error).toBe(true);
  });

  it("the proxy refuses them, naming the ports, in either direction", () => {
    for (const direction of ["inbound", "outbound"] as const) {
      const error = stackmodErrorOf(() =>
        rewrite(text("sctp"), { file: "stack.yml", options: { strategy: "proxy", proxy: { direction } } }),
      );
      expect(error.code).toBe("UNSUPPORTED");
      expect(error.message).toContain('service "amf" receives 38412/sctp, 38413/sctp, which the proxy cannot forward');
      expect(error.message).toContain("use --strategy publish");
    }
  });

  it('x-stackmod ports and --port take "PORT/sctp"', () => {
    const input = text("sctp").replace("    deploy:", '    x-stackmod:\n      ports: ["38412/sctp"]\n    deploy:');
    const result = rewrite(input, { file: "stack.yml", options: { strategy: "publish" } });
    expect(result.flows.map((f) => f.to)).toEqual(["amf 38412/sctp"]);
  });
});
