import { describe, expect, it } from "vitest";
import { rewrite, StackmodError } from "../../src/index.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/** The few shapes stackmod refuses to rewrite, because any edit would change another service too. */
function refusal(text: string, options = {}, services?: string[]): StackmodError {
  return stackmodErrorOf(() => rewrite(text, { file: "stack.yml", options, ...(services ? { services } : {}) }));
}

const networks = "networks:\n  hostnet: {external: true, name: host}\n  backend: {}\n";

describe("refused rewrites", () => {
  it("a service whose whole body is an alias of another's", () => {
    const text =
      `version: "3.8"\nservices:\n  a: &collector\n    image: c:1\n    networks: [hostnet, backend]\n    ` +
      `x-stackmod: {ports: [9000/udp]}\n  b: *collector\n${networks}`;
    const error = refusal(text);
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 3, 3]);
    expect(error.message).toContain('the body of service "a" is the anchor &collector, which other services use');
  });

  it("the alias side alone (--service b)", () => {
    const text =
      `version: "3.8"\nservices:\n  a: &collector\n    image: c:1\n    networks: [hostnet, backend]\n  ` +
      `b: *collector\n${networks}`;
    const error = refusal(text, { ports: [9000] }, ["b"]);
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 6, 3]);
    expect(error.message).toContain('service "b" is written as an alias of another service\'s body (*collector)');
  });

  it("a networks list written in one service and aliased by another", () => {
    const text =
      `version: "3.8"\nservices:\n  a:\n    image: c:1\n    networks: &nets\n      - hostnet\n      - ` +
      `backend\n  b:\n    image: d:1\n    networks: *nets\n${networks}`;
    const error = refusal(text, { ports: [9000], services: { b: { strategy: "skip" } } });
    expect([error.code, error.line, error.column]).toEqual(["UNSUPPORTED", 6, 7]);
    expect(error.message).toContain('`networks` of service "a" is the anchor &nets, which other services use');
  });

  it("network_mode that comes from a merged anchor (Compose)", () => {
    const text =
      `x-host: &host\n  network_mode: host\nservices:\n  a:\n    <<: *host\n    image: c:1\n    ` +
      `networks: [backend]\nnetworks:\n  backend: {}\n`;
    const error = refusal(text, { ports: [9000] });
    expect([error.code, error.line]).toEqual(["UNSUPPORTED", 4]);
    expect(error.message).toContain("gets `network_mode` through a merge key");
  });
});
