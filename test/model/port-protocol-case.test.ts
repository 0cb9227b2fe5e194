import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/index.js";
import { dockerPorts, stackConfig } from "../helpers/stack-config.js";

/**
 * A long-syntax `protocol: UDP` is UDP to docker. The CLI passes it
 * through unchanged (docker/cli v28.2.2 cli/compose/convert/service.go,
 * convertEndpointSpec: `swarm.PortConfigProtocol(port.Protocol)`; the v3.8 schema
 * takes any string), and the daemon upper-cases it before looking it up (moby v28.2.2
 * daemon/cluster/convert/service.go: `PortConfig_Protocol_value[strings.ToUpper(...)]`);
 * the short syntax `/UDP` is lower-cased by the CLI (go-connections nat.ParsePortSpec).
 * stackmod reads both as UDP, so the outbound proxy forwards UDP.
 */
const text = (protocol: string) => `version: "3.8"
services:
  snmp:
    image: x
    networks: [hostnet, backend]
    ports:
      - target: 161
        published: 161
        protocol: ${protocol}
        mode: host
      - "1620:162/${protocol}"
    deploy:
      mode: global
networks:
  hostnet:
    external: true
    name: host
  backend:
    driver: overlay
`;

describe("port protocols read as docker reads them, whatever their case", () => {
  for (const protocol of ["UDP", "Udp", "udp"]) {
    it(`protocol: ${protocol}: docker stack config keeps it as UDP, the outbound proxy forwards UDP`, () => {
      const input = text(protocol);
      const ports = dockerPorts(input, "snmp");
      expect(ports.map((p) => [p.target, p.protocol.toUpperCase()])).toEqual([
        [161, "UDP"],
        [162, "UDP"],
      ]);
      const result = rewrite(input, {
        file: "stack.yml",
        options: { strategy: "proxy", proxy: { direction: "outbound" } },
      });
      expect(result.output).toContain("UDP4-LISTEN:161,");
      expect(result.output).toContain("UDP4-LISTEN:162,");
      expect(result.output).not.toContain("TCP4-LISTEN:161,");
      const after = stackConfig({ files: [["stack.yml", result.output]] });
      expect(after.ok, after.ok ? "" : after.error).toBe(true);
    });
  }
});
