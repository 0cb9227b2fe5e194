import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { block, flow, mapEntry, scalar, type RenderStyle } from "../../src/edit/render.js";
import { stackConfig } from "../helpers/stack-config.js";

/**
 * Every scalar stackmod writes must read back as the same string under YAML 1.1
 * (what `docker stack` reads: `no`, `on`, `1:30`, `0755` are not strings there)
 * and under YAML 1.2.
 */
const yaml11Traps = [
  "no",
  "No",
  "NO",
  "on",
  "On",
  "off",
  "OFF",
  "yes",
  "Yes",
  "y",
  "Y",
  "n",
  "N",
  "true",
  "False",
  "null",
  "Null",
  "~",
  "",
  "1:30",
  "22:22",
  "190:20:30",
  "0755",
  "0o17",
  "0x1F",
  "0b101",
  "1e3",
  "1_000",
  "-1",
  "+1",
  ".5",
  "1.",
  ".inf",
  "-.Inf",
  ".NaN",
  "2026-11-29",
  "2026-11-29T10:00:00Z",
  "12:30:45",
  "-1:30",
];
const indicators = [
  "@x",
  "`x",
  "*a",
  "&a",
  "!tag",
  "%x",
  "|",
  "> x",
  "a: b",
  "a #b",
  "#c",
  "- x",
  "-",
  "?",
  "? x",
  "[x]",
  "{x}",
  "a,b",
  "'q'",
  '"dq"',
  ": x",
  "x:",
  "=",
  "<<",
  "a\tb",
  "line\nbreak",
  "trailing ",
  "  leading",
  "\u2028",
  "\u0085",
  "\u007f",
  "\ufeff",
  "é",
  "😀",
];
const ordinary = [
  "host.docker.internal:host-gateway",
  "47808/udp",
  "node.labels.plant == true",
  "alpine/socat:1.8.0.1",
  "/bin/sh",
  "-c",
  "127.0.0.1:18123:8123",
  "socat TCP4-LISTEN:8123,fork,reuseaddr TCP4:127.0.0.1:18123 & wait",
];
const values = [...yaml11Traps, ...indicators, ...ordinary];

const readBoth = (text: string) => [parse(text, { version: "1.1" }), parse(text, { version: "1.2" })];
const style: RenderStyle = { indent: 2, seqIndent: 2 };

describe("output safety: scalars mean the same under YAML 1.1 and 1.2", () => {
  for (const value of values) {
    it(`${JSON.stringify(value)} as a value, a list item, a key and in flow style`, () => {
      for (const read of readBoth(`key: ${scalar(value)}\n`)) expect(read).toEqual({ key: value });
      for (const read of readBoth(block({ key: [value, { inner: value }] }, 0, style).join("\n") + "\n"))
        expect(read).toEqual({ key: [value, { inner: value }] });
      for (const read of readBoth(mapEntry(value, "x", 4, style).join("\n") + "\n"))
        expect(read).toEqual({ [value]: "x" });
      for (const read of readBoth(`key: ${flow({ [value]: [value] })}\n`))
        expect(read).toEqual({ key: { [value]: [value] } });
    });
  }

  it("the YAML 1.1 traps are quoted, ordinary values are left plain", () => {
    for (const value of yaml11Traps) expect(scalar(value)).toMatch(/^["']/);
    for (const value of ["hostnet", "alpine/socat:1.8.0.1", "node.labels.plant == true", "/bin/sh"])
      expect(scalar(value)).toBe(value);
  });

  it("numbers and booleans stay numbers and booleans", () => {
    for (const read of readBoth(block({ a: 0o755, b: 57808, c: true, d: false }, 0, style).join("\n")))
      expect(read).toEqual({ a: 493, b: 57808, c: true, d: false });
  });

  it("docker stack config (the CLI's YAML reader, refusing raw control characters) reads each value as written", () => {
    const labels = Object.fromEntries(
      [...yaml11Traps, ...indicators, "nul\u0000", "bell\u0007"].map((value, index) => [
        `stackmod.test.v${index}`,
        value,
      ]),
    );
    const text = [
      'version: "3.8"',
      "services:",
      "  probe:",
      "    image: alpine:3.20",
      "    deploy:",
      ...block({ labels }, 6, style),
      "",
    ].join("\n");
    const result = stackConfig({ files: [["stack.yml", text]] });
    expect(result.ok ? "accepted" : result.error).toBe("accepted");
    if (!result.ok) return;
    const read = (parse(result.output) as { services: { probe: { deploy: { labels: Record<string, string> } } } })
      .services.probe.deploy.labels;
    expect(read).toEqual(labels);
  });
});
