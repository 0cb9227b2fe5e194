import { describe, expect, it } from "vitest";
import { check, rewrite } from "../../src/index.js";
import { dockerComposeConfigError } from "../helpers/docker.js";

/**
 * stackmod writes a port's protocol in lower case; one the user wrote in upper case (`/UDP`) stays, and
 * docker-compose v1, the Compose tool here, refuses the file. The rule says so, in the input and in
 * what a rewrite leaves, and `--fix compose-protocol-case` writes it as every tool reads it.
 */
const plain = `services:
  snmp:
    image: x
    ports:
      - "161:161/UDP"
      - "9116:9116"
`;

const conflicting = `services:
  snmp:
    image: x
    network_mode: host
    networks: [back]
    ports:
      - "161:161/UDP"
      - "9116:9116"
networks:
  back: {}
`;

const warnings = (findings: { rule: string; line: number; column: number }[]) =>
  findings.filter((f) => f.rule === "compose-protocol-case").map((f) => [f.line, f.column]);

describe("a Compose port's protocol in upper case", () => {
  it("docker-compose v1 refuses the file, and check warns at the port", () => {
    expect(dockerComposeConfigError(plain)).toContain("services.snmp.ports contains an invalid type");
    expect(warnings(check(plain, { file: "compose.yml" }).findings)).toEqual([[5, 9]]);
    expect(dockerComposeConfigError(plain.replace("/UDP", "/udp"))).toBeUndefined();
  });

  it("a stack file is left alone: docker stack reads /UDP as udp", () => {
    const stack = `version: "3.8"\n${plain}    deploy:\n      replicas: 1\n`;
    expect(warnings(check(stack, { file: "stack.yml" }).findings)).toEqual([]);
  });

  it("a rewrite that keeps the entry leaves the warning in its report; with --fix it writes /udp", () => {
    const kept = rewrite(conflicting, { file: "compose.yml", options: { strategy: "publish" } });
    expect(kept.output).toContain('      - "161:161/UDP"\n');
    expect(warnings(kept.remaining)).toEqual([[6, 9]]);
    expect(dockerComposeConfigError(kept.output)).toContain("services.snmp.ports contains an invalid type");
    const fixed = rewrite(conflicting, {
      file: "compose.yml",
      options: { strategy: "publish" },
      fix: ["compose-protocol-case"],
    });
    expect(fixed.output).toBe(kept.output.replace("161:161/UDP", "161:161/udp"));
    expect(warnings(fixed.remaining)).toEqual([]);
    expect(dockerComposeConfigError(fixed.output)).toBeUndefined();
  });
});
