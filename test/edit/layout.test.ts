import { describe, expect, it } from "vitest";
import { plan, verify, type RewriteOptions } from "../../src/rewrite.js";
import { layoutChange, layoutOf } from "../../src/edit/layout.js";

/**
 * The verify step's first check: the output keeps the input's byte order mark, line ends and final
 * newline (or lack of one). An output that changed them is stackmod's own mistake: INTERNAL, saying which.
 */
const input = [
  'version: "3.8"',
  "services:",
  "  bacnet:",
  "    image: x",
  "    networks: [hostnet, backend]",
  '    x-stackmod: {ports: ["47808/udp"]}',
  "networks:",
  "  hostnet:",
  "    external: true",
  "    name: host",
  "  backend:",
  "    driver: overlay",
  "",
].join("\n");
const options: RewriteOptions & { file: string } = { file: "stack.yml", options: { strategy: "proxy" } };

function verified(text: string, spoil: (output: string) => string) {
  const result = plan(text, options);
  return () => verify(spoil(result.output), { ...options, target: result.dialect }, result);
}

describe("verify: the output keeps the input's layout", () => {
  it("passes the rewrite as made, in every layout", () => {
    const crlf = input.replace(/\n/g, "\r\n");
    for (const text of [input, input.slice(0, -1), crlf, crlf.slice(0, -2), `\ufeff${input}`]) {
      expect(verified(text, (output) => output)).not.toThrow();
    }
  });

  const spoiled: [string, string, (output: string) => string, string][] = [
    ["a final newline added", input.slice(0, -1), (o) => `${o}\n`, "it adds a final newline the file did not have"],
    ["the final newline dropped", input, (o) => o.slice(0, -1), "it drops the file's final newline"],
    ["an LF line in a CRLF file", input.replace(/\n/g, "\r\n"), (o) => o.replace("\r\n", "\n"), "LF line ends"],
    ["a CRLF line in an LF file", input, (o) => o.replace("\n", "\r\n"), "it writes CRLF line ends in an LF file"],
    ["the BOM dropped", `\ufeff${input}`, (o) => o.slice(1), "it drops the file's byte order mark"],
  ];
  for (const [what, text, spoil, message] of spoiled) {
    it(`refuses an output with ${what}: INTERNAL, saying so`, () => {
      expect(verified(text, spoil)).toThrow(
        expect.objectContaining({ code: "INTERNAL", message: expect.stringContaining(message) }),
      );
    });
  }

  it("reads a mix of line ends, or a single line, as no line end to keep", () => {
    expect(layoutOf("a\r\nb\nc")).toEqual({ bom: false, eol: undefined, finalNewline: false });
    expect(layoutChange(layoutOf("a: 1"), "a: 1\r\nb: 2")).toBeUndefined();
    expect(layoutChange(layoutOf("a\r\nb\n"), "a\nb\n")).toBeUndefined();
  });
});
