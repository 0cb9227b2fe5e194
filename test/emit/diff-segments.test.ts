import { applyPatch, createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";
import { describe, expect, it } from "vitest";
import { rewrite } from "../../src/rewrite.js";

/** A stack big enough (> 64 KiB) to be diffed piece by piece, with a conflict every tenth service. */
function bigStack(count: number, eol: string): string {
  const lines = ['version: "3.8"', "x-defaults: &defaults", "  logging: {driver: json-file}", "services:"];
  for (let i = 0; i < count; i += 1) {
    lines.push(`  # service ${i}`, `  svc${i}:`, "    <<: *defaults", `    image: "example/app:${i}"`);
    if (i % 10 === 0) lines.push("    networks: [hostnet, backend]", `    x-stackmod: {ports: ["${2000 + i}/udp"]}`);
    else lines.push("    networks:", "      - backend", "", "    environment:", `      NAME: svc${i}`);
  }
  lines.push("networks:", "  hostnet: {external: true, name: host}", "  backend: {driver: overlay}");
  return lines.join(eol) + eol;
}

describe("the diff of a large file, made piece by piece between distant edits", () => {
  for (const [label, eol] of [
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ] as const) {
    it(`is the same text as one diff of the whole file (${label})`, () => {
      const source = bigStack(600, eol);
      expect(source.length).toBeGreaterThan(64 * 1024);
      const result = rewrite(source, { file: "stack.yml" });
      expect(result.changed).toBe(true);
      const whole = createTwoFilesPatch("a/stack.yml", "b/stack.yml", source, result.output, undefined, undefined, {
        context: 3,
        headerOptions: FILE_HEADERS_ONLY,
      });
      expect(result.diff).toBe(whole);
      expect(applyPatch(source, result.diff)).toBe(result.output);
    });
  }
});
