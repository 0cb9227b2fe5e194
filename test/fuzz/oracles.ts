import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMap, LineCounter, parse, parseDocument, type Node } from "yaml";
import { check, rewrite, StackmodError, type RewriteOptions, type RewriteResult } from "../../src/index.js";
import { loadModel } from "../../src/model/load.js";
import { checkLayered, rewriteLayered, type LayeredRewriteResult } from "../../src/layered/layered.js";
import { changesOutside, serviceRegions } from "../helpers/untouched.js";
import { stackConfig } from "../helpers/stack-config.js";
import { dockerComposeConfigError } from "../helpers/docker.js";
import { outsideFile } from "../helpers/inside-file.js";
import { repoRoot } from "./repo.js";

/** One fuzz case: a text and the options it is rewritten with. */
export interface FuzzCase {
  text: string;
  /** A layered case: the second `-c` file's text (`text` is the first's). */
  layers?: string;
  options: Pick<RewriteOptions, "options" | "services" | "target">;
}

export interface CheckWith {
  /** Also ask `docker stack config` (about 50 ms a call), or `docker-compose config` for a Compose file (0.5 s). */
  docker: boolean;
  /** Also run the built CLI on it (a process). */
  cli: boolean;
}

const cli = join(repoRoot(), "bin", "stackmod.js");
/**
 * yaml's parse() hands its warnings (an unresolved `!!str` on a mapping) to process.emitWarning; the
 * campaign's own readings must not print them (stackmod itself reads through its own composer, silently).
 */
const quiet = { logLevel: "error" } as const;
const file = "stack.yml";

/**
 * The oracles of a fuzz campaign. Returns what went wrong (the first oracle
 * that failed), or undefined. Thrown errors must be StackmodErrors other than
 * INTERNAL, at a position inside the file; a changed output holds no error, is
 * idempotent, keeps every line outside the rewritten services and the file's CRLF,
 * BOM and final newline, leaves the other services reading the same (as docker reads
 * them), and `docker stack config` (a stack file) or `docker-compose config` (a Compose file) accepts it when it
 * accepted the input.
 */
export function failureOf(fuzz: FuzzCase, using: CheckWith): string | undefined {
  // stackmod never warns through Node.js, which prints on stderr (its own warnings are in its report): caught
  // where a warning is emitted, since the 'warning' event only comes once the synchronous campaign is over.
  const warnings: string[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(typeof warning === "string" ? warning : `${warning.name}: ${warning.message}`);
  }) as typeof process.emitWarning;
  try {
    const problem =
      fuzz.layers === undefined ? singleFailureOf(fuzz, using) : layeredFailureOf(fuzz, fuzz.layers, using);
    return problem ?? (warnings.length > 0 ? `a Node.js warning on stderr: ${warnings[0]}` : undefined);
  } finally {
    process.emitWarning = emitWarning;
  }
}

function singleFailureOf(fuzz: FuzzCase, using: CheckWith): string | undefined {
  const { text } = fuzz;
  const options = { file, ...fuzz.options };
  let result: RewriteResult;
  let dialect: string;
  try {
    dialect = check(text, options).dialect;
    result = rewrite(text, options);
  } catch (error) {
    return refusalProblem(error, text) ?? (using.cli ? cliProblem(fuzz) : undefined);
  }
  if (using.cli) {
    const problem = cliProblem(fuzz);
    if (problem) return problem;
  }
  if (!result.changed) return undefined;
  const { output } = result;
  const skipped = new Set(result.skipped.map((s) => s.service));
  // The conflicts a rewrite is for; other errors (a key docker stack refuses) may be left, and reported.
  const conflicts = new Set([
    "host-plus-network",
    "none-plus-network",
    "network-mode-with-networks",
    "host-ingress-port",
  ]);
  const left = check(output, options).findings.filter(
    (f) => f.severity === "error" && conflicts.has(f.rule) && !skipped.has(f.service),
  );
  if (left.length > 0) return `the output still has ${left[0]!.rule} for "${left[0]!.service}"`;
  let again: RewriteResult;
  try {
    again = rewrite(output, options);
  } catch (error) {
    return `a second run refuses the output: ${(error as Error).message}`;
  }
  if (again.output !== output) return "not idempotent: a second run changes the output";
  const regions = [...serviceRegions(text, rewrittenOrFollowing(result)), ...declarationRegions(text)];
  const outside = changesOutside(text, output, regions);
  if (outside) return outside;
  const framing = framingProblem(text, output);
  if (framing) return framing;
  // A Compose output is for docker compose: docker stack config's schema refuses some of it (README, lan).
  if (using.docker && dialect === "swarm") return dockerProblem(text, output, result);
  if (using.docker && dialect === "compose") return composeProblem(text, output);
  return undefined;
}

/** `docker-compose config` (Compose v1 from Debian, no engine needed) accepts the output when it accepted the input. */
function composeProblem(text: string, output: string): string | undefined {
  if (dockerComposeConfigError(text) !== undefined) return undefined;
  const refused = dockerComposeConfigError(output);
  if (refused === undefined) return undefined;
  return `docker-compose config accepted the input but refuses the output: ${refused.trim()}`;
}

function refusalProblem(error: unknown, text: string): string | undefined {
  if (!(error instanceof StackmodError)) return `crash: ${(error as Error)?.stack ?? String(error)}`;
  if (error.code === "INTERNAL") return `INTERNAL: ${error.message}`;
  if (error.file !== file) return undefined;
  const outside = outsideFile(text, error.line, error.column);
  if (outside) return `exit 2 outside the file (${error.line}:${error.column}, ${outside}): ${error.message}`;
  return undefined;
}

/**
 * The services a rewrite may change: those it applied to, and those whose depends_on/links follow a
 * rename. Read as the model reads them (as docker does, which readsAsDocker checks): yaml's own
 * reading of `- !!merge api` is a merge key, docker's the string "api".
 */
function rewrittenOrFollowing(result: RewriteResult): string[] {
  const applied = new Set(result.applied.map((a) => a.service));
  const services = loadModel(result.original, { file }).services;
  const following = services.flatMap((service) => {
    const refers = JSON.stringify([service.data.depends_on, service.data.links]);
    return [...applied].some((a) => refers.includes(`"${a}`)) ? [service.name] : [];
  });
  return [...applied, ...following];
}

/**
 * The top-level sections a rewrite declares new entries in (`networks:`, `volumes:`,
 * `secrets:`, `configs:`), and the end of the file, where a section it lacks is added: text may be
 * added there; that what was declared stays declared is the verify step's data comparison.
 */
function declarationRegions(text: string): [number, number][] {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const root = doc.contents;
  if (!isMap(root)) return [];
  const lineOf = (node: unknown) => counter.linePos((node as Node).range![0]).line;
  const lines = text.split("\n").length;
  const sections = root.items.flatMap((pair, index) => {
    if (!["networks", "volumes", "secrets", "configs"].includes(String((pair.key as { value?: unknown })?.value)))
      return [];
    const next = root.items[index + 1];
    return [[lineOf(pair.key), next ? lineOf(next.key) - 1 : lines] as [number, number]];
  });
  // A section the file does not have yet is added at its end: nothing of the file is replaced there.
  return [...sections, [lines + 1, lines + 1]];
}

function framingProblem(text: string, output: string): string | undefined {
  if (text.startsWith("\uFEFF") !== output.startsWith("\uFEFF")) return "the BOM was added or lost";
  // Judged on files that are all CRLF: a mixed file keeps the bare LFs it had.
  const crlf = text.includes("\r\n") && !/(?<!\r)\n/.test(text);
  if (crlf && /(?<!\r)\n/.test(output)) return "a bare LF in a CRLF file";
  if (!crlf && output.includes("\r\n") && !text.includes("\r")) return "a CRLF in an LF file";
  if (text.endsWith("\n") !== output.endsWith("\n")) return "the final newline was added or lost";
  return undefined;
}

function dockerProblem(text: string, output: string, result: RewriteResult): string | undefined {
  const before = stackConfig({ files: [[file, text]] });
  if (!before.ok) return undefined;
  const differs = readsAsDocker(text, before.output);
  if (differs) return differs;
  const after = stackConfig({ files: [[file, output]] });
  if (!after.ok) return `docker stack config accepted the input but refuses the output: ${after.error.trim()}`;
  // Each run has its own scratch folder, which docker puts into relative bind mounts.
  const servicesOf = (normalised: string) =>
    ((
      parse(normalised.replace(/\/[^\s"']*stackmod-layers-[A-Za-z0-9]+/g, "DIR"), quiet) as {
        services?: Record<string, unknown>;
      }
    )?.services ?? {}) as Record<string, unknown>;
  const [was, now] = [servicesOf(before.output), servicesOf(after.output)];
  const changed = new Set(rewrittenOrFollowing(result));
  for (const name of Object.keys(was)) {
    if (changed.has(name)) continue;
    if (JSON.stringify(was[name]) !== JSON.stringify(now[name]))
      return `service "${name}" was not rewritten but docker reads it differently after the rewrite`;
  }
  return undefined;
}

/**
 * What stackmod reads where docker reads otherwise: each service's
 * networks and its ports' protocols, against `docker stack config`'s normalised file.
 */
function readsAsDocker(text: string, normalised: string): string | undefined {
  const model = loadModel(text, { file });
  const docker = (parse(normalised, quiet) as { services?: Record<string, DockerService> })?.services ?? {};
  for (const service of model.services) {
    const theirs = docker[service.name];
    if (!theirs) return `docker has no service "${service.name}"`;
    const networks = Object.keys(theirs.networks ?? {}).sort();
    const ours = [...new Set(service.attachments.map((a) => a.key))].sort();
    if (service.networkMode === undefined && JSON.stringify(ours) !== JSON.stringify(networks))
      return `service "${service.name}": stackmod reads the networks ${ours.join(", ")}, docker ${networks.join(", ")}`;
    // As sets: docker expands a port range into one entry per port.
    const protocols = [...new Set((theirs.ports ?? []).map((p) => String(p.protocol ?? "tcp").toLowerCase()))].sort();
    const mine = [...new Set(service.ports.map((p) => p.protocol))].sort();
    if (JSON.stringify(protocols) !== JSON.stringify(mine))
      return (
        `service "${service.name}": stackmod reads the protocols ${mine.join(", ")}, docker ` +
        `${protocols.join(", ")}`
      );
  }
  return undefined;
}

interface DockerService {
  networks?: Record<string, unknown>;
  ports?: { protocol?: string }[];
}

/** The real CLI on the case: exit 0, 1 or 2, and never a stack trace. */
function cliProblem(fuzz: FuzzCase): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-fuzz-"));
  try {
    const path = join(dir, file);
    writeFileSync(path, fuzz.text);
    writeFileSync(join(dir, "options.json"), JSON.stringify(fuzz.options.options ?? {}));
    const args = [cli, "rewrite", path, "--config", join(dir, "options.json")];
    if (fuzz.options.target) args.push("--target", fuzz.options.target);
    for (const service of fuzz.options.services ?? []) args.push("--service", service);
    const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000, cwd: dir });
    if (run.signal) return `the CLI was killed by ${run.signal}`;
    if (![0, 1, 2].includes(run.status ?? -1)) return `the CLI exited with ${run.status}: ${run.stderr.slice(0, 500)}`;
    if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) return `a stack trace on stderr: ${run.stderr.slice(0, 500)}`;
    if (/^\(node:\d+\) \w*Warning/m.test(run.stderr)) return `a Node.js warning on stderr: ${run.stderr.slice(0, 500)}`;
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const base = "base.yml";
const override = "override.yml";

/**
 * The oracles of a layered case (`check -c base.yml -c override.yml`, then `rewrite -c ...`): an error is a
 * StackmodError other than INTERNAL at a position inside the file it names; no conflict is left; a second run
 * changes nothing; each file keeps its framing; `docker stack config -c ... -c ...` accepts the outputs when it
 * accepted the inputs; the CLI exits 0, 1 or 2 without a stack trace and writes nothing but the two files.
 */
function layeredFailureOf(fuzz: FuzzCase, second: string, using: CheckWith): string | undefined {
  const texts: Record<string, string> = { [base]: fuzz.text, [override]: second };
  const layers = [base, override].map((file) => ({ file, text: texts[file]! }));
  const options = fuzz.options;
  let result: LayeredRewriteResult;
  try {
    checkLayered(layers, options);
    result = rewriteLayered(layers, options);
  } catch (error) {
    return layeredRefusal(error, texts) ?? (using.cli ? layeredCliProblem(fuzz, second) : undefined);
  }
  if (using.cli) {
    const problem = layeredCliProblem(fuzz, second);
    if (problem) return problem;
  }
  if (result.edited.length === 0) return undefined;
  const outputs = result.files.map((r) => ({ file: r.file, text: r.output }));
  const conflicts = new Set(["host-plus-network", "none-plus-network", "network-mode-with-networks"]);
  const skipped = new Set(result.files.flatMap((r) => r.skipped.map((s) => s.service)));
  let left;
  try {
    left = checkLayered(outputs, options).findings.filter(
      (f) => f.severity === "error" && conflicts.has(f.rule) && !skipped.has(f.service),
    );
  } catch (error) {
    return `the outputs are refused: ${(error as Error).message}`;
  }
  const wanted = options.services ? new Set(options.services) : undefined;
  const stays = left.filter((f) => !wanted || wanted.has(f.service));
  if (stays.length > 0) return `the outputs still have ${stays[0]!.rule} for "${stays[0]!.service}"`;
  let again: LayeredRewriteResult;
  try {
    again = rewriteLayered(outputs, options);
  } catch (error) {
    return `a second run refuses the outputs: ${(error as Error).message}`;
  }
  for (const [index, file] of again.files.entries())
    if (file.output !== outputs[index]!.text) return `not idempotent: a second run changes ${file.file}`;
  for (const [index, file] of result.files.entries()) {
    const framing = framingProblem(layers[index]!.text, file.output);
    if (framing) return `${file.file}: ${framing}`;
  }
  if (using.docker && checkLayered(layers, options).dialect === "swarm") {
    const before = stackConfig({ files: layers.map((l) => [l.file, l.text]) });
    if (!before.ok) return undefined;
    const after = stackConfig({ files: outputs.map((l) => [l.file, l.text]) });
    if (!after.ok) return `docker stack config -c accepted the inputs but refuses the outputs: ${after.error.trim()}`;
  }
  return undefined;
}

function layeredRefusal(error: unknown, texts: Record<string, string>): string | undefined {
  if (!(error instanceof StackmodError)) return `crash: ${(error as Error)?.stack ?? String(error)}`;
  if (error.code === "INTERNAL") return `INTERNAL: ${error.message}`;
  const text = texts[error.file];
  if (text === undefined) return `an error at "${error.file}", which is neither file: ${error.message}`;
  const outside = outsideFile(text, error.line, error.column);
  if (outside) return `exit 2 outside ${error.file} (${error.line}:${error.column}, ${outside}): ${error.message}`;
  return undefined;
}

/** `stackmod rewrite -c base.yml -c override.yml --write` in a folder of its own: it may write the two files only. */
function layeredCliProblem(fuzz: FuzzCase, second: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-fuzz-"));
  try {
    const stack = join(dir, "stack");
    mkdirSync(stack);
    writeFileSync(join(stack, base), fuzz.text);
    writeFileSync(join(stack, override), second);
    writeFileSync(join(dir, "options.json"), JSON.stringify(fuzz.options.options ?? {}));
    const args = [cli, "rewrite", "-c", base, "-c", override, "--config", join(dir, "options.json"), "--write"];
    if (fuzz.options.target) args.push("--target", fuzz.options.target);
    for (const service of fuzz.options.services ?? []) args.push("--service", service);
    const run = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000, cwd: stack });
    if (run.signal) return `the CLI was killed by ${run.signal}`;
    if (![0, 1, 2].includes(run.status ?? -1)) return `the CLI exited with ${run.status}: ${run.stderr.slice(0, 500)}`;
    if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) return `a stack trace on stderr: ${run.stderr.slice(0, 500)}`;
    if (/^\(node:\d+\) \w*Warning/m.test(run.stderr)) return `a Node.js warning on stderr: ${run.stderr.slice(0, 500)}`;
    const outside = readdirSync(dir).filter((name) => name !== "stack" && name !== "options.json");
    if (outside.length > 0) return `the CLI wrote ${outside.join(", ")} outside the stack's folder`;
    if (
      run.status === 2 &&
      (readFileSync(join(stack, base), "utf8") !== fuzz.text || readFileSync(join(stack, override), "utf8") !== second)
    )
      return "the CLI exited 2 but changed a file";
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
