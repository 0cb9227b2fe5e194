import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewrite, StackmodError } from "../../src/index.js";
import { stackConfig } from "../helpers/stack-config.js";

/**
 * A rewrite changes only the services it reports in `applied`. Each
 * shape shares some part of a service that needs a rewrite with another service
 * (its whole body, its ports, one network item, its environment); with every
 * strategy, and with `--service` picking one, the rewrite is either refused at the
 * anchor (or for another reason: a position in the file, never INTERNAL) or every service not
 * in `applied` reads the same, as `docker stack config` reads it, before and after.
 */
const tail = `networks:
  hostnet:
    external: true
    name: host
  backend:
    driver: overlay
`;
const shapes: Record<string, string> = {
  "body merged by another service": `version: "3.8"
services:
  a: &a
    image: x
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
  b:
    <<: *a
    image: y
${tail}`,
  "ports aliased by another service": `version: "3.8"
services:
  a:
    image: x
    ports: &p
      - "80"
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
  b:
    image: y
    ports: *p
${tail}`,
  "ports with a fixed host port aliased by another service": `version: "3.8"
services:
  a:
    image: x
    ports: &p
      - "8080:80"
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
  b:
    image: y
    ports: *p
${tail}`,
  "one network item aliased": `version: "3.8"
services:
  a:
    image: x
    networks:
      - hostnet
      - &be backend
    x-stackmod: {ports: ["47808/udp"]}
  b:
    image: y
    networks: [*be]
${tail}`,
  "environment aliased": `version: "3.8"
services:
  a:
    image: x
    environment: &env
      TZ: UTC
    networks: [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
  b:
    image: y
    environment: *env
${tail}`,
  "networks list aliased by a service that also needs a rewrite": `version: "3.8"
services:
  a:
    image: x
    networks: &nets [hostnet, backend]
    x-stackmod: {ports: ["47808/udp"]}
  b:
    image: y
    networks: *nets
    x-stackmod: {ports: ["47809/udp"]}
${tail}`,
  "an x- block merged by both (the supported way)": `version: "3.8"
x-common: &common
  image: x
  networks: [hostnet, backend]
services:
  a:
    <<: *common
    x-stackmod: {ports: ["47808/udp"]}
  b:
    <<: *common
    x-stackmod: {ports: ["47809/udp"]}
  c:
    <<: *common
    networks: [backend]
${tail}`,
};

const strategies: Record<string, Record<string, unknown>> = {
  proxy: { strategy: "proxy" },
  split: { strategy: "split" },
  lan: { strategy: "lan", lan: { parent: "eth0", subnet: "192.168.50.0/24" } },
};

/** Each service as docker stack config reads it. */
function asDocker(text: string): Record<string, unknown> {
  const result = stackConfig({ files: [["stack.yml", text]] });
  if (!result.ok) throw new Error(`docker stack config refused:\n${result.error}\n${text}`);
  return (parse(result.output) as { services: Record<string, unknown> }).services;
}

describe("services not in `applied` are never changed, whatever the strategy", () => {
  for (const [shape, text] of Object.entries(shapes)) {
    for (const [strategy, options] of Object.entries(strategies)) {
      for (const only of [undefined, ["a"]]) {
        it(`${shape}, ${strategy}${only ? ", --service a" : ""}`, () => {
          let result;
          try {
            result = rewrite(text, { file: "stack.yml", options, ...(only ? { services: only } : {}) });
          } catch (error) {
            expect(error).toBeInstanceOf(StackmodError);
            const refusal = error as StackmodError;
            expect(refusal.code, refusal.message).not.toBe("INTERNAL");
            expect(refusal.line).toBeGreaterThan(1);
            expect(refusal.line).toBeLessThanOrEqual(text.split("\n").length);
            return;
          }
          const before = asDocker(text);
          const after = asDocker(result.output);
          const applied = new Set(result.applied.map((a) => a.service));
          for (const name of Object.keys(before).filter((n) => !applied.has(n))) {
            expect(after[name], `${name} changed`).toEqual(before[name]);
          }
        });
      }
    }
  }

  it("a host port both would publish once lan takes a off the host: refused at the port, naming the alias", () => {
    const text = shapes["ports with a fixed host port aliased by another service"]!;
    expect(() => rewrite(text, { file: "stack.yml", options: strategies.lan })).toThrow(
      expect.objectContaining({ code: "PORT_COLLISION", line: 6, column: 9, message: expect.stringContaining("*p") }),
    );
  });

  it("the supported shape is rewritten, not refused", () => {
    const result = rewrite(shapes["an x- block merged by both (the supported way)"]!, {
      file: "stack.yml",
      options: strategies.proxy,
    });
    expect(result.applied.map((a) => a.service)).toEqual(["a", "b"]);
  });
});
