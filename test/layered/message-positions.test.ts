import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { rewriteLayered, type Layer } from "../../src/layered/layered.js";
import type { RewriteOptions } from "../../src/rewrite.js";
import { runCli } from "../helpers/run-cli.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * `rewrite -c base.yml -c over.yml` of a service refused only once the files are merged is planned on stackmod's own
 * text of the merged stack: every position a message carries must still name the user's file, line and column (the
 * node the merged text's node comes from), never the merged copy's. Each kind of message, with what it names written
 * in the base and in the override, checked in the library's result and in every report format of the command line.
 */

const hostnet = "networks:\n  hostnet: {external: true, name: host}\n";
const backend = "networks:\n  backend: {driver: overlay}\n";
const head = 'version: "3.8"\nservices:\n';

/** Where `marker` starts in `text` (its only occurrence), as `file:line:column`. */
function at(file: string, text: string, marker: string): { file: string; line: number; column: number } {
  const offset = text.indexOf(marker);
  if (offset < 0 || text.indexOf(marker, offset + 1) >= 0) throw new Error(`"${marker}" is not once in ${file}`);
  const before = text.slice(0, offset).split("\n");
  return { file, line: before.length, column: before.at(-1)!.length + 1 };
}

const shown = (p: { file: string; line: number; column: number }) => `${p.file}:${p.line}:${p.column}`;

type Placement = "base" | "override";

interface Case {
  kind: string;
  where: Placement;
  base: string;
  over: string;
  /** The file (0 base, 1 override) and the text that starts the node the message names. */
  names: [index: 0 | 1, marker: string];
  /** An error: its code; otherwise the message, in the results, that carries the position (`P` stands for it). */
  error?: string;
  message?: { in: "reason" | "note" | "flow"; says: string };
  args?: string[];
}

/** An outbound proxy over a service that names a peer it reaches (broker) and one that does not resolve (db). */
function outbound(where: Placement): { base: string; over: string } {
  const own =
    "    environment:\n      BROKER: broker:1883\n      OTHER: db:5432\n" +
    "    x-stackmod: {ports: [8080], strategy: proxy, proxy: {direction: outbound}}\n";
  return conflict(where, own, peers);
}

/** The service on the overlay in one file and on the host network in the other: refused only once merged. */
function conflict(where: Placement, own: string, others = ""): { base: string; over: string } {
  const service = (lines: string) => `${head}  app:\n${lines}`;
  const overlay = "    image: nginx\n    networks: [backend]\n    deploy: {mode: global}\n";
  const host = "    networks: [hostnet]\n";
  return where === "base"
    ? { base: service(overlay + own) + others + backend, over: service(host) + hostnet }
    : { base: service(overlay) + others + backend, over: service(host + own) + hostnet };
}

const placements: Placement[] = ["base", "override"];
const index = (where: Placement) => (where === "base" ? 0 : 1);

const peers =
  '  broker:\n    image: eclipse-mosquitto\n    networks: [backend]\n    ports: ["1883:1883"]\n' +
  "  db:\n    image: postgres\n    networks: [backend]\n";

const cases: Case[] = placements.flatMap((where): Case[] => [
  {
    kind: "the evidence an option gives, in the reason for the default strategy",
    where,
    ...conflict(where, '    x-stackmod:\n      ports: ["8080/tcp"]\n'),
    names: [index(where), "ports:"],
    message: {
      in: "reason",
      says: "unicast listeners only: 8080/tcp (from its x-stackmod block, x-stackmod.ports at P)",
    },
  },
  {
    kind: "an option error (publish.hostIp in a stack file), exit 2 at the option",
    where,
    ...conflict(where, '    x-stackmod: {ports: ["8080/tcp"], publish: {hostIp: 10.0.0.1}}\n'),
    names: [index(where), "10.0.0.1"],
    error: "BAD_OPTION",
  },
  {
    kind: "an error at an option (proxy cannot forward SCTP), exit 2 at the option",
    where,
    ...conflict(where, '    x-stackmod: {strategy: proxy, ports: ["5000/sctp"]}\n'),
    names: [index(where), '["5000/sctp"]'],
    error: "UNSUPPORTED",
  },
  {
    kind: "a note about a reference the rewrite rewires",
    where,
    ...outbound(where),
    names: [index(where), "broker:1883"],
    message: { in: "note", says: 'app: environment.BROKER at P: "broker:1883" → "127.0.0.1:1883"' },
  },
  {
    kind: "the warning of a LOST flow's reference",
    where,
    ...outbound(where),
    names: [index(where), "db:5432"],
    message: { in: "note", says: 'app: environment.OTHER at P refers to "db:5432", which does not resolve' },
  },
]);

/** The service refused where the host network is attached: UNDECIDED and the flows are reported at it there. */
const atTheService: Case[] = placements.flatMap((where): Case[] => {
  const own = "    image: nginx\n    deploy: {mode: global}\n    environment: {OTHER: db:5432}\n";
  const db = "  db:\n    image: postgres\n    networks: [backend]\n";
  // The host network attached in the override (the base has the overlay), or in the base (the override adds it).
  const [base, over] =
    where === "override"
      ? [
          `${head}  app:\n    networks: [backend]\n${own}${db}${backend}`,
          `${head}  app:\n    networks: [hostnet]\n${hostnet}`,
        ]
      : [
          `${head}  app:\n    networks: [hostnet]\n${own}${db}${hostnet}`,
          `${head}  app:\n    networks: [backend]\n${backend}`,
        ];
  return [
    {
      kind: "UNDECIDED, exit 2 at the service in the file it is refused in",
      where,
      base: base!,
      over: over!,
      names: [index(where), "app:"],
      error: "UNDECIDED",
    },
    {
      kind: "a LOST flow, at the service in the file it is refused in",
      where,
      base: base!,
      over: over!,
      names: [index(where), "app:"],
      args: ["--port", "app=8080/tcp", "--strategy", "proxy", "--direction", "outbound"],
      message: { in: "flow", says: "" },
    },
  ];
});

function expectedIn(texts: { base: string; over: string }, names: Case["names"], files: [string, string]) {
  return at(files[names[0]], names[0] === 0 ? texts.base : texts.over, names[1]);
}

function inFolder<T>(layers: [string, string], run: (paths: [string, string]) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-layered-positions-"));
  const paths: [string, string] = [join(dir, "base.yml"), join(dir, "over.yml")];
  writeFileSync(paths[0], layers[0]);
  writeFileSync(paths[1], layers[1]);
  return run(paths).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The library's option for each flag the cases pass. */
function libraryOptions(args: string[] | undefined): Omit<RewriteOptions, "file"> {
  if (!args) return {};
  return {
    options: { strategy: "proxy", proxy: { direction: "outbound" }, services: { app: { ports: ["8080/tcp"] } } },
  };
}

describe("a layered rewrite planned on the merged stack names the user's files in every message", () => {
  for (const c of [...cases, ...atTheService]) {
    const title = `${c.kind}, written in the ${c.where}`;
    const layers = (): [Layer, Layer] => [
      { file: "base.yml", text: c.base },
      { file: "over.yml", text: c.over },
    ];
    const where = expectedIn(c, c.names, ["base.yml", "over.yml"]);

    it(`${title}: the library`, () => {
      if (c.error) {
        const error = stackmodErrorOf(() => rewriteLayered(layers(), libraryOptions(c.args)));
        expect([error.code, error.file, error.line, error.column]).toEqual([
          c.error,
          where.file,
          where.line,
          where.column,
        ]);
        return;
      }
      const result = rewriteLayered(layers(), libraryOptions(c.args));
      const home = result.files.find((f) => f.applied.length > 0)!;
      const says = c.message!.says.replace("P", shown(where));
      if (c.message!.in === "reason")
        expect(home.applied.map((a) => a.reason)).toContainEqual(`default from the evidence: ${says}`);
      else if (c.message!.in === "note") expect(home.notes.map((n) => n.message).join("\n")).toContain(says);
      else {
        expect(home.file).toBe(where.file);
        const lost = home.flows.filter((f) => f.status === "lost");
        expect(lost.length).toBeGreaterThan(0);
        for (const flow of home.flows) expect([flow.line, flow.column]).toEqual([where.line, where.column]);
      }
    });

    it(`${title}: the command line, in each report format`, async () => {
      await inFolder([c.base, c.over], async (paths) => {
        const position = expectedIn(c, c.names, paths);
        const args = ["rewrite", "-c", paths[0], "-c", paths[1], ...(c.args ?? [])];
        const text = await runCli(args);
        const json = JSON.parse((await runCli([...args, "--format", "json"])).stdout);
        const sarif = JSON.parse((await runCli([...args, "--format", "sarif"])).stdout);
        const github = await runCli([...args, "--format", "github"]);
        const ghLocation = `file=${position.file},line=${position.line},col=${position.column}`;
        if (c.error) {
          expect(text.code).toBe(2);
          expect(text.stderr).toContain(`${shown(position)}: error ${c.error}: `);
          expect(json.exitCode).toBe(2);
          const errors = json.files.flatMap((f: { error?: object }) => (f.error ? [f.error] : []));
          expect(errors).toContainEqual(expect.objectContaining({ code: c.error, ...position }));
          const notes = sarif.runs[0].invocations[0].toolExecutionNotifications;
          const sarifAt = notes.map((n: { descriptor: { id: string }; locations: { physicalLocation: never }[] }) => [
            n.descriptor.id,
            n.locations[0]!.physicalLocation,
          ]);
          expect(sarifAt).toContainEqual([
            c.error,
            {
              artifactLocation: { uri: pathToFileURL(position.file).href },
              region: { startLine: position.line, startColumn: position.column },
            },
          ]);
          expect(github.code).toBe(2);
          expect(github.stdout + github.stderr).toContain(`::error ${ghLocation},title=stackmod ${c.error}::`);
          return;
        }
        expect(text.code).toBe(0);
        const says = c.message!.says.replace("P", shown(position));
        const home = json.files.find((f: { applied: unknown[] }) => f.applied.length > 0);
        if (c.message!.in === "reason") {
          expect(text.stdout + text.stderr).toContain(says);
          expect(home.applied.map((a: { reason: string }) => a.reason)).toContainEqual(
            `default from the evidence: ${says}`,
          );
        } else if (c.message!.in === "note") {
          expect(text.stdout + text.stderr).toContain(says);
          expect(home.notes.map((n: { message: string }) => n.message).join("\n")).toContain(says);
        } else {
          expect(home.file).toBe(position.file);
          const lost = home.flows.filter((f: { status: string }) => f.status === "lost");
          expect(lost.length).toBeGreaterThan(0);
          for (const flow of lost) expect([flow.line, flow.column]).toEqual([position.line, position.column]);
          const results = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === "lost-flow");
          expect(results.length).toBe(lost.length);
          for (const result of results) {
            expect(result.locations[0].physicalLocation).toEqual({
              artifactLocation: { uri: pathToFileURL(position.file).href },
              region: { startLine: position.line, startColumn: position.column },
            });
          }
          expect(github.stdout).toContain(`::warning ${ghLocation},title=stackmod lost-flow::`);
        }
      });
    });
  }
});

describe("what a layered rewrite leaves is reported where the edited files write it", () => {
  for (const where of placements) {
    it(`a warning the rewrite leaves (container_name), written in the ${where}`, async () => {
      const c = conflict(where, '    container_name: app\n    x-stackmod: {ports: ["8080/tcp"]}\n');
      const result = rewriteLayered([
        { file: "base.yml", text: c.base },
        { file: "over.yml", text: c.over },
      ]);
      const file = result.files[index(where)]!;
      const position = at(file.file, file.output, "container_name");
      const left = result.remaining.filter((f) => f.rule === "stack-deprecated-key");
      expect(left.map((f) => [f.file, f.line, f.column])).toEqual([[position.file, position.line, position.column]]);
      expect(file.remaining.filter((f) => f.rule === "stack-deprecated-key")).toEqual(left);
      await inFolder([c.base, c.over], async (paths) => {
        const run = await runCli(["rewrite", "-c", paths[0], "-c", paths[1], "--format", "json"]);
        const json = JSON.parse(run.stdout);
        const reported = json.files.flatMap((f: { remaining: { rule: string }[] }) =>
          f.remaining.filter((r) => r.rule === "stack-deprecated-key"),
        );
        const inPath = { ...position, file: paths[index(where)] };
        expect(reported).toEqual([expect.objectContaining(inPath)]);
      });
    });
  }
});
