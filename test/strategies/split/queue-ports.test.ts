import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rewrite, StackmodError } from "../../../src/index.js";
import { queueKindNames, queueKinds } from "../../../src/strategies/split/queues/index.js";
import { dockerStackConfigError } from "../../helpers/docker.js";

/**
 * Several split services in one file, without options, each get a
 * queue on its own host port (the broker's, or the next free one, in file order); a
 * `queue.published` that is taken is refused, naming both services and the option.
 * Checked on generated files, both dialects, against the output read on its own.
 */
const kinds = queueKindNames;

interface Spec {
  compose: boolean;
  services: { kind: (typeof kinds)[number]; published: number | undefined }[];
  /** A service of the file that already publishes this port (a broker the file runs itself). */
  taken: number | undefined;
}

const candidatePorts = [4222, 4223, 6379, 6380, 5672, 1883, 1884];
const spec: fc.Arbitrary<Spec> = fc.record({
  compose: fc.boolean(),
  services: fc.array(
    fc.record({
      kind: fc.constantFrom(...kinds),
      published: fc.option(fc.constantFrom(...candidatePorts), { nil: undefined, freq: 4 }),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  taken: fc.option(fc.constantFrom(...candidatePorts), { nil: undefined }),
});

function render(s: Spec): string {
  const lines = s.compose ? ["services:"] : ['version: "3.8"', "services:"];
  s.services.forEach((service, i) => {
    lines.push(`  s${i}:`, `    image: example/s${i}:1`);
    if (s.compose) lines.push("    network_mode: host", "    networks: [backend]");
    else lines.push("    networks: [hostnet, backend]");
    const published = service.published === undefined ? "" : `, published: ${service.published}`;
    lines.push(`    x-stackmod: {strategy: split, queue: {kind: ${service.kind}${published}}}`);
  });
  if (s.taken !== undefined)
    lines.push(
      "  broker:",
      "    image: example/broker:1",
      `    ports: ["${s.taken}:${s.taken}"]`,
      "    networks: [backend]",
    );
  lines.push("networks:");
  if (!s.compose) lines.push("  hostnet: {external: true, name: host}");
  lines.push("  backend: {}", "");
  return lines.join("\n");
}

/** The host port of each service's published ports, read from the text (`[ip:]published:target`, long syntax). */
function publishedPorts(doc: { services: Record<string, { ports?: unknown[] }> }): [string, number][] {
  const out: [string, number][] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    for (const port of service.ports ?? []) {
      if (typeof port === "object" && port !== null) out.push([name, (port as { published: number }).published]);
      else {
        const parts = String(port).split(":");
        out.push([name, Number(parts[parts.length - 2])]);
      }
    }
  }
  return out;
}

/** What a run must show: either distinct ports joined correctly, or a refusal that names both sides. */
function judge(s: Spec, text: string, withDocker: boolean): "refused" | "moved" | "plain" {
  let output: string;
  let notes: string;
  try {
    const result = rewrite(text, { file: "stack.yml" });
    output = result.output;
    notes = result.notes.map((n) => n.message).join("\n");
  } catch (error) {
    if (!(error instanceof StackmodError) || error.code !== "PORT_COLLISION") throw error;
    // Refused only for a port the user chose; the message names the service and the option to set.
    const refused = /queue "(s\d+)-queue" of "(s\d+)" would publish (\d+)\/tcp, which "([^"]+)"/.exec(error.message);
    expect(refused, error.message).not.toBeNull();
    const index = Number(refused![2]!.slice(1));
    expect(s.services[index]!.published).toBe(Number(refused![3]));
    expect(error.message).toContain("`queue.published`");
    expect(error.message).toContain("`queue.shared`");
    return "refused";
  }
  const doc = parse(output) as { services: Record<string, { ports?: unknown[]; environment?: unknown }> };
  const ports = publishedPorts(doc);
  expect(new Set(ports.map(([, p]) => p)).size, JSON.stringify(ports)).toBe(ports.length);
  s.services.forEach((service, i) => {
    const queuePort = ports.find(([name]) => name === `s${i}-queue`)![1];
    if (service.published !== undefined) expect(queuePort).toBe(service.published);
    else expect(queuePort).toBeGreaterThanOrEqual(queueKinds[service.kind].port);
    const env = JSON.stringify(doc.services[`s${i}-collector`]!.environment);
    expect(env).toContain(`127.0.0.1:${queuePort}`);
  });
  // The same file always gets the same ports, and the output stays as it is.
  expect(rewrite(text, { file: "stack.yml" }).output).toBe(output);
  expect(rewrite(output, { file: "stack.yml" }).output).toBe(output);
  if (withDocker && !s.compose) expect(dockerStackConfigError(output)).toBeUndefined();
  return /publishes \d+, not /.test(notes) ? "moved" : "plain";
}

describe("split queues of several services in one file", () => {
  it("generated files: distinct ports without options, or a refusal naming both services", () => {
    let index = 0;
    const seen = { refused: 0, moved: 0, plain: 0 };
    fc.assert(
      fc.property(spec, (s) => {
        index += 1;
        const text = render(s);
        const outcome = judge(s, text, index % 25 === 0);
        seen[outcome] += 1;
      }),
      { numRuns: 150, seed: 15 },
    );
    // The generator reaches both outcomes: a port moved up, and a chosen port refused.
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.moved).toBeGreaterThan(0);
  }, 120_000);

  it("two services without options: the second queue takes the next port and the report says why", () => {
    const s: Spec = { compose: false, services: [{ kind: "nats", published: undefined }], taken: 4222 };
    s.services.push({ kind: "nats", published: undefined });
    const result = rewrite(render(s), { file: "stack.yml" });
    expect(result.output).toContain("QUEUE_URL: nats://127.0.0.1:4223");
    expect(result.output).toContain("QUEUE_URL: nats://127.0.0.1:4224");
    expect(result.notes.map((n) => n.message)).toContain(
      's1-queue: publishes 4224, not nats\'s 4222, which "broker" already publishes; set `queue.published` to ' +
        "choose, or `queue.shared` for one queue",
    );
  });

  it("a chosen port another split service's queue took: refused, naming both", () => {
    const s: Spec = {
      compose: true,
      services: [
        { kind: "nats", published: undefined },
        { kind: "nats", published: 4222 },
      ],
      taken: undefined,
    };
    expect(() => rewrite(render(s), { file: "compose.yml" })).toThrow(
      'the queue "s1-queue" of "s1" would publish 4222/tcp, which "s0-queue" (the queue of "s0") already publishes ' +
        'or listens on; give "s1" another `queue.published` (or leave it unset: stackmod then picks the next ' +
        "free port), or share one queue with `queue.shared`",
    );
  });
});
