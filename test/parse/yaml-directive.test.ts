import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { loadModel } from "../../src/model/load.js";
import { dockerPorts } from "../helpers/stack-config.js";

/**
 * `%YAML 1.1` switched yaml to its YAML 1.1 schema, where `1:20` is the sexagesimal 80 and `yes` a
 * boolean; go-yaml v3, docker's parser, reads the file as it reads any other (`1:20` publishes 20 at 1).
 */
const text = `%YAML 1.1
---
version: "3.8"
services:
  snmp:
    image: x
    networks: [hostnet]
    ports:
      - 1:20
      - 0755
      - 22:22
networks:
  hostnet:
    external: true
    name: host
`;

describe("a %YAML 1.1 directive", () => {
  it("changes nothing in how the file reads: the ports are docker's", () => {
    const docker = dockerPorts(text, "snmp");
    expect(docker.map((p) => [p.target, (p as { published?: number }).published])).toEqual([
      [20, 1],
      [493, undefined],
      [22, 22],
    ]);
    const model = loadModel(text, { file: "stack.yml" });
    expect(model.services[0]!.ports.map((p) => [p.target, p.published])).toEqual([
      [20, 1],
      [493, undefined],
      [22, 22],
    ]);
  });

  it("the findings name the ports as written", () => {
    const findings = check(text, { file: "stack.yml" }).findings.map((f) => `${f.line} ${f.rule} ${f.message}`);
    expect(findings.filter((f) => f.includes("host-ingress-port")).map((f) => f.split(" publishes ")[1])).toEqual([
      "1:20 in ingress mode, which attaches it to the ingress network; drop the port (the service already listens " +
        "on the host) or use `mode: host`",
      "493 in ingress mode, which attaches it to the ingress network; drop the port (the service already listens " +
        "on the host) or use `mode: host`",
      "22:22 in ingress mode, which attaches it to the ingress network; drop the port (the service already listens " +
        "on the host) or use `mode: host`",
    ]);
  });
});
