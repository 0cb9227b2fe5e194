import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { check, rewrite, StackmodError } from "../src/index.js";
import { dockerStackConfigError } from "./helpers/docker.js";
import { unbackedFlow } from "./helpers/flow-backing.js";
import { changesOutside, serviceRegions } from "./helpers/untouched.js";
import { renderStack, sharedHostPort, stackSpec } from "./property/grammar.js";

/**
 * stackmod's guarantees (README.md, "What stackmod preserves"), on stack files generated from a grammar:
 * 1. nothing to rewrite gives the same bytes; 2. every byte outside the rewritten services is unchanged;
 * 3. a second run changes nothing; 4. no error finding is left; 5. `docker stack config` accepts the output;
 * 8. no host port is bound twice and every flow reported as kept is backed by the output.
 * (6, the atomic write, and 7, bad input, have tests of their own: test/io/, test/bad-input.test.ts.)
 * `npm test` runs a bounded number; `STACKMOD_PROPERTY_RUNS=2000 npm run test:property`
 * runs more (and STACKMOD_PROPERTY_SEED replays one). A failing case is kept as a
 * file in test/property/regressions/ and checked on every run.
 */
const runs = Number(process.env.STACKMOD_PROPERTY_RUNS ?? 150);
const seed = process.env.STACKMOD_PROPERTY_SEED === undefined ? undefined : Number(process.env.STACKMOD_PROPERTY_SEED);
/** `docker stack config` costs a process: every Nth case. */
const dockerEvery = Number(process.env.STACKMOD_PROPERTY_DOCKER_EVERY ?? 10);

/** Throws with a description when a guarantee does not hold. */
export function assertGuarantees(text: string, withDocker: boolean): void {
  const errors = (t: string) => check(t, { file: "stack.yml" }).findings.filter((f) => f.severity === "error");
  const before = errors(text);
  let result: ReturnType<typeof rewrite>;
  try {
    result = rewrite(text, { file: "stack.yml" });
  } catch (error) {
    // Two services that receive the same host port: refused, never bound twice.
    const shared = error instanceof StackmodError && error.code === "PORT_COLLISION";
    if (shared && error.message.includes(`${sharedHostPort}/tcp`)) return;
    throw error;
  }
  // 1. Nothing to rewrite: identical output.
  if (before.length === 0) {
    expect(result.output, "guarantee 1: no finding, but the output differs").toBe(text);
    expect(result.changed).toBe(false);
    return;
  }
  // 2. Every byte outside the rewritten services is unchanged and in order; line endings stay.
  const rewritten = [...new Set(result.applied.map((a) => a.service))];
  const outside = changesOutside(text, result.output, serviceRegions(text, rewritten));
  expect(outside, "guarantee 2").toBeUndefined();
  if (text.includes("\r\n"))
    expect(/(?<!\r)\n/.test(result.output), "guarantee 2: a bare LF in a CRLF file").toBe(false);
  else expect(result.output.includes("\r"), "guarantee 2: a CR in an LF file").toBe(false);
  // 3. Idempotent.
  const again = rewrite(result.output, { file: "stack.yml" });
  expect(again.output, "guarantee 3: a second run changed the output").toBe(result.output);
  // 4. No error left.
  expect(errors(result.output), "guarantee 4").toEqual([]);
  // 8. No host port bound twice that was not bound twice already.
  const twice = boundTwice(result.output).filter((key) => !boundTwice(text).includes(key));
  expect(twice, "guarantee 8: host ports bound twice").toEqual([]);
  // 5. docker stack config accepts it.
  if (withDocker) expect(dockerStackConfigError(result.output), "guarantee 5").toBeUndefined();
  // 8. Every flow the report marks kept is backed by an attachment or a published port in the output.
  for (const { service } of result.applied.filter((a) => a.strategy !== "fix"))
    expect(result.flows.filter((f) => f.service === service).length, `guarantee 8: no flow for ${service}`).not.toBe(0);
  expect(unbackedFlow(result.flows, result.output), "guarantee 8").toBeUndefined();
}

/**
 * Host ports bound more than once, read from the text on its own (not with stackmod's
 * model): ports published by services off the host network, and ports that socat listens
 * on in services on it.
 */
function boundTwice(text: string): string[] {
  const doc = parse(text.replace(/^\ufeff/, "")) as {
    services: Record<string, Record<string, unknown>>;
    networks?: Record<string, { name?: string; external?: boolean | { name?: string } }>;
  };
  const hostKeys = Object.entries(doc.networks ?? {})
    .filter(([key, n]) => (n?.name ?? (typeof n?.external === "object" ? n.external.name : key)) === "host")
    .map(([key]) => key);
  const count = new Map<string, number>();
  const bind = (key: string) => count.set(key, (count.get(key) ?? 0) + 1);
  for (const service of Object.values(doc.services)) {
    const nets = service.networks;
    const names = Array.isArray(nets) ? nets.map(String) : Object.keys((nets as object | null) ?? {});
    if (names.some((n) => hostKeys.includes(n))) {
      for (const m of JSON.stringify(service.command ?? "").matchAll(/(TCP4-LISTEN|UDP4-LISTEN):(\d+)/g))
        bind(`${m[2]}/${m[1] === "TCP4-LISTEN" ? "tcp" : "udp"}`);
      continue;
    }
    for (const port of (service.ports as unknown[] | undefined) ?? []) {
      if (typeof port === "object" && port !== null) {
        const p = port as { published?: number; protocol?: string };
        if (p.published !== undefined) bind(`${p.published}/${p.protocol ?? "tcp"}`);
      } else {
        const [spec, protocol = "tcp"] = String(port).split("/");
        const parts = spec!.split(":");
        if (parts.length >= 2) bind(`${parts[parts.length - 2]}/${protocol}`);
      }
    }
  }
  return [...count].filter(([, n]) => n > 1).map(([key]) => key);
}

describe("guarantees 1-5 on generated stack files", () => {
  it(`${runs} generated files`, () => {
    let index = 0;
    fc.assert(
      fc.property(stackSpec, (spec) => {
        index += 1;
        assertGuarantees(renderStack(spec), index % dockerEvery === 0);
      }),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }), verbose: 1 },
    );
  }, 600_000);

  it("the grammar reaches every kind of finding and leaves some files alone", () => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(stackSpec, (spec) => {
        const findings = check(renderStack(spec), { file: "stack.yml" }).findings;
        if (findings.length === 0) kinds.set("none", (kinds.get("none") ?? 0) + 1);
        for (const f of findings) kinds.set(f.rule, (kinds.get(f.rule) ?? 0) + 1);
      }),
      { numRuns: 200, seed: 7 },
    );
    for (const kind of ["none", "host-plus-network", "none-plus-network", "host-ingress-port"])
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(0);
  });
});

describe("kept regressions from the property runs", () => {
  const dir = join(import.meta.dirname, "property", "regressions");
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".yml"))
    .sort()) {
    it(name, () => {
      assertGuarantees(readFileSync(join(dir, name), "utf8"), true);
    });
  }
});
