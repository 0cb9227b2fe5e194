import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { readConfigText } from "./config-file.js";
import { StackmodError } from "./errors.js";
import { exitCodes, type ExitCode } from "./exit-codes.js";
import { listInputs, readSource, removeStaleTemporaries, writeFileAtomic } from "./files.js";
import { parseEnvFile, type Environment } from "./interpolate.js";
import { check } from "./check.js";
import { checkInParallel } from "./batch/parallel-check.js";
import type { Dialect } from "./model/types.js";
import type { RawOptions } from "./options.js";
import { Reporter, reportFormats, type ReportFlags } from "./report/reporter.js";
import { formatError } from "./report/text.js";
import { rewrite } from "./rewrite.js";
import { layeredCheck, layeredRewrite } from "./layered-cli.js";
import { describeExtraFiles, writeExtraFile, type ExtraFileWrite } from "./extra-files.js";
import { transforms } from "../transforms/index.js";
import { version } from "./version.js";

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => Buffer;
  env: Environment;
  /** Which streams are terminals: colour, the progress line. Absent means neither. */
  isTTY?: { stdout?: boolean; stderr?: boolean };
}

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => readFileSync(0),
  env: process.env,
  isTTY: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
};

interface CommonFlags extends ReportFlags {
  envFile?: string;
  target?: Dialect;
  maxBytes?: number;
  maxAliases?: number;
  composeFile?: string[];
}

export { enableWorkers, runBatchWorker } from "./batch/parallel-check.js";

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  let exitCode: ExitCode = exitCodes.ok;
  const program = new Command("stackmod")
    .description("Find and rewrite Swarm stack and Compose services that are on the host network and another network (refused since Docker Engine 28).")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)")
    .version(version)
    .addHelpText(
      "after",
      "\nExamples:\n  stackmod check deploy/                     # exit 0: nothing to fix, 1: conflicts found, 2: bad input\n  stackmod rewrite deploy/stack.yml          # show the fix as a diff\n  stackmod rewrite deploy/stack.yml --write  # apply it\n  stackmod transforms                        # the strategies and their options\n\nRun stackmod COMMAND --help for a command's options and examples.",
    );

  withCommonFlags(
    program
      .command("check")
      .description("find the conflicts; exit 0 none, 1 found, 2 error")
      .argument("[paths...]", "files, folders (searched for compose/stack files) or - for stdin", ["."]),
  )
    .addHelpText(
      "after",
      "\nExamples:\n  stackmod check stack.yml\n  stackmod check deploy/ --format json\n  stackmod check deploy/ --format sarif > stackmod.sarif\n  stackmod check deploy/ --format github     # annotations in a GitHub Actions log\n  cat stack.yml | stackmod check -",
    )
    .action(async (paths: string[], flags: CommonFlags) => {
      exitCode = await runCheck(paths, flags, io, argv);
    });

  withCommonFlags(
    program
      .command("rewrite")
      .description("print a unified diff of the rewrite (dry run), or rewrite in place with --write")
      .argument("[paths...]", "files, folders or - for stdin", ["."]),
  )
    .option("--write", "rewrite the files in place (atomically)")
    .option("--check", "write nothing; exit 1 if any file would change")
    .option("--stdout", "print the rewritten file instead of a diff")
    .addOption(new Option("--strategy <name>", "strategy for every conflicting service").choices(["proxy", "split", "lan", "skip"]))
    .option("--service <name...>", "rewrite only these services")
    .option("--port <service=port...>", "a port SERVICE receives on the host side, e.g. bacnet=47808/udp (repeatable)")
    .addOption(new Option("--direction <direction>", "proxy direction").choices(["inbound", "outbound"]))
    .addOption(new Option("--publish <mode>", "how the service publishes forwarded ports (proxy), or the queue its port (split)").choices(["ingress", "host"]))
    .option("--queue <kind>", "split: the queue between collector and processor (nats, redis, rabbitmq, mqtt)")
    .option("--lan-driver <driver>", "lan: macvlan or ipvlan")
    .option("--lan-parent <interface>", "lan: the parent interface on every node, e.g. eth0")
    .option("--lan-subnet <cidr>", "lan: the LAN's subnet, e.g. 192.168.50.0/24")
    .option("--lan-gateway <ip>", "lan: the LAN's gateway")
    .option("--lan-network <name>", "lan: the name of the swarm-scoped network")
    .option("--lan-range <node=cidr...>", "lan: the addresses NODE hands out, e.g. node-a=192.168.50.192/28 (repeatable)")
    .option("--lan-ipvlan-mode <mode>", "lan: ipvlan mode, l2 or l3")
    .option("--lan-script <path>", "lan: where the setup script goes, relative to the stack file's folder")
    .option("--config <file>", "options file (YAML or JSON) shaped like the top-level x-stackmod block")
    .addHelpText(
      "after",
      "\nExamples:\n  stackmod rewrite examples/bacnet-stack.yml\n  stackmod rewrite stack.yml --port bacnet=47808/udp --write\n  stackmod rewrite stack.yml --strategy proxy --direction outbound --stdout\n  stackmod rewrite deploy/ --check\n  stackmod rewrite deploy/ --check --format json > report.json\n  stackmod rewrite stack.yml --strategy lan --lan-parent eth0 --lan-subnet 192.168.50.0/24 --lan-range node-a=192.168.50.192/28 --write",
    )
    .action((paths: string[], flags: RewriteFlags) => {
      exitCode = runRewrite(paths, flags, io, argv);
    });

  program
    .command("transforms")
    .description("list the strategies and their options")
    .addHelpText("after", "\nExamples:\n  stackmod transforms")
    .action(() => {
      io.stdout(describeTransforms());
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return exitCodes.ok;
    if (error instanceof StackmodError) {
      io.stderr(formatError(error) + "\n");
      return exitCodes.error;
    }
    if (code?.startsWith("commander.")) return exitCodes.error;
    io.stderr(formatError(internalError("<command line>", error)) + "\n");
    return exitCodes.error;
  }
  return exitCode;
}

function withCommonFlags(command: Command): Command {
  return command
    .addOption(new Option("--format <format>", "report format: text for people; json (schema/report-v1.schema.json), sarif (code scanning), github (Actions annotations) on stdout").choices(reportFormats).default("text"))
    .option("-q, --quiet", "print only errors")
    .option("-v, --verbose", "also print what was read and the options in effect")
    .option("--color", "colour the output even when it is not a terminal")
    .option("--no-color", "never colour the output (NO_COLOR and FORCE_COLOR are respected without a flag)")
    .option("--env-file <file>", "variables for ${VAR} interpolation, on top of the environment")
    .addOption(new Option("--target <dialect>", "treat files as Swarm stack files or Compose files").choices(["swarm", "compose"]))
    .addOption(new Option("--max-bytes <n>", "largest file accepted, in bytes (default 5 MiB)").argParser(positiveInteger))
    .addOption(new Option("--max-aliases <n>", "alias expansions allowed while reading, against alias bombs (default 10000)").argParser(positiveInteger))
    .option("-c, --compose-file <file...>", "one stack layered from several files, merged as `docker stack deploy -c A -c B` merges them (instead of paths)");
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return Number(value);
}

/** A bug must not stop the other files: it becomes this file's error, exit 2. */
function internalError(file: string, error: unknown): StackmodError {
  if (error instanceof StackmodError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StackmodError("INTERNAL", `stackmod failed unexpectedly (${text}); nothing was written for this file. Please report it with the file`, { file, line: 1, column: 1 });
}

function environment(flags: CommonFlags, io: CliIO): Environment {
  if (!flags.envFile) return io.env;
  return { ...io.env, ...parseEnvFile(readSource(flags.envFile)) };
}

function loadOptions(flags: CommonFlags, io: CliIO) {
  return {
    env: environment(flags, io),
    ...(flags.target ? { target: flags.target } : {}),
    limits: { ...(flags.maxBytes ? { maxBytes: flags.maxBytes } : {}), ...(flags.maxAliases ? { maxAliasCount: flags.maxAliases } : {}) },
  };
}

async function runCheck(paths: string[], flags: CommonFlags, io: CliIO, argv: readonly string[]): Promise<ExitCode> {
  const options = loadOptions(flags, io);
  const reporter = new Reporter("check", flags, io, argv);
  let found = false;
  let failed = false;
  const inputs = flags.composeFile ? flags.composeFile.map((path) => ({ path, error: undefined })) : listInputs(paths);
  const layered = flags.composeFile ? layeredCheck(flags.composeFile, (path) => readSource(path, io.stdin), options) : undefined;
  const files = inputs.map((input) => input.path);
  reporter.begin(files);
  reporter.detail(`options: ${JSON.stringify({ target: flags.target ?? "detect", envFile: flags.envFile ?? null, maxBytes: flags.maxBytes ?? null })}`);
  const parallel = layered || inputs.some((input) => input.error) ? undefined : await checkInParallel(files, options);
  for (const [index, { path, error: listing }] of inputs.entries()) {
    reporter.starting(index, path);
    try {
      if (listing) throw listing;
      const done = parallel?.[index];
      const source = done ? done.source : readSource(path, io.stdin);
      if (source !== undefined) reporter.read(path, source);
      if (done?.error) throw done.error;
      const result = done?.result ?? (layered ? layered(path) : check(source!, { ...options, file: path }));
      found ||= result.findings.some((f) => f.severity === "error");
      reporter.checked(path, result);
    } catch (error) {
      failed = true;
      reporter.failed(path, internalError(path, error));
    }
  }
  const code = failed ? exitCodes.error : found ? exitCodes.found : exitCodes.ok;
  reporter.finish(code);
  return code;
}

interface RewriteFlags extends CommonFlags {
  write?: boolean;
  check?: boolean;
  stdout?: boolean;
  strategy?: string;
  service?: string[];
  port?: string[];
  direction?: string;
  publish?: string;
  queue?: string;
  lanDriver?: string;
  lanParent?: string;
  lanSubnet?: string;
  lanGateway?: string;
  lanNetwork?: string;
  lanRange?: string[];
  lanIpvlanMode?: string;
  lanScript?: string;
  config?: string;
}

function cliOptions(flags: RewriteFlags): RawOptions {
  const options: RawOptions = {};
  if (flags.strategy) options.strategy = flags.strategy;
  const proxy: Record<string, string> = {};
  if (flags.direction) proxy.direction = flags.direction;
  if (flags.publish) proxy.publish = flags.publish;
  if (Object.keys(proxy).length > 0) options.proxy = proxy;
  const queue: Record<string, string> = {};
  if (flags.queue) queue.kind = flags.queue;
  if (flags.publish) queue.publish = flags.publish;
  if (Object.keys(queue).length > 0) options.queue = queue;
  const lan: Record<string, unknown> = {};
  if (flags.lanDriver) lan.driver = flags.lanDriver;
  if (flags.lanParent) lan.parent = flags.lanParent;
  if (flags.lanSubnet) lan.subnet = flags.lanSubnet;
  if (flags.lanGateway) lan.gateway = flags.lanGateway;
  if (flags.lanNetwork) lan.network = flags.lanNetwork;
  if (flags.lanIpvlanMode) lan.ipvlanMode = flags.lanIpvlanMode;
  if (flags.lanScript) lan.script = flags.lanScript;
  if (flags.lanRange) lan.ipRanges = lanRanges(flags.lanRange);
  if (Object.keys(lan).length > 0) options.lan = lan;
  for (const spec of flags.port ?? []) {
    const eq = spec.indexOf("=");
    if (eq <= 0) {
      throw new StackmodError("USAGE", `--port ${spec}: expected SERVICE=PORT[/PROTO], e.g. bacnet=47808/udp`, { file: "<command line>", line: 1, column: 1 });
    }
    const services = (options.services ??= {});
    const entry = (services[spec.slice(0, eq)] ??= {});
    ((entry.ports ??= []) as string[]).push(spec.slice(eq + 1));
  }
  return options;
}

/** `--lan-range node-a=192.168.50.192/28 ...` as `lan.ipRanges`; the values are checked with the other options. */
function lanRanges(specs: string[]): Record<string, string> {
  const ranges: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) {
      throw new StackmodError("USAGE", `--lan-range ${spec}: expected NODE=CIDR, e.g. node-a=192.168.50.192/28`, { file: "<command line>", line: 1, column: 1 });
    }
    const node = spec.slice(0, eq);
    if (ranges[node] !== undefined) {
      throw new StackmodError("USAGE", `--lan-range ${spec}: node ${node} already has the range ${ranges[node]}`, { file: "<command line>", line: 1, column: 1 });
    }
    ranges[node] = spec.slice(eq + 1);
  }
  return ranges;
}

function runRewrite(paths: string[], flags: RewriteFlags, io: CliIO, argv: readonly string[]): ExitCode {
  if (flags.stdout && flags.format !== "text") {
    throw new StackmodError("USAGE", `--stdout prints the rewritten file, so it cannot be combined with --format ${flags.format}; the ${flags.format} report carries the diff instead`, { file: "<command line>", line: 1, column: 1 });
  }
  const base = loadOptions(flags, io);
  const config = flags.config ? readConfigText(readSource(flags.config), flags.config) : undefined;
  const options = cliOptions(flags);
  const mode = flags.check ? "check" : flags.write ? "write" : flags.stdout ? "stdout" : "diff";
  const reporter = new Reporter("rewrite", flags, io, argv, mode);
  let failed = false;
  let wouldChange = false;
  const cleaned = new Set<string>();
  const inputs = flags.composeFile ? flags.composeFile.map((path) => ({ path, error: undefined })) : listInputs(paths);
  const rewriteOptions = { ...base, options, ...(config ? { config } : {}), ...(flags.service ? { services: flags.service } : {}) };
  const layered = flags.composeFile ? layeredRewrite(flags.composeFile, (path) => readSource(path, io.stdin), rewriteOptions) : undefined;
  const files = inputs.map((input) => input.path);
  reporter.begin(files);
  reporter.detail(`options from the command line: ${JSON.stringify(options)}`);
  if (config) reporter.detail(`options from ${flags.config}: ${JSON.stringify(config)}`);
  for (const [index, { path, error: listing }] of inputs.entries()) {
    reporter.starting(index, path);
    try {
      if (listing) throw listing;
      const source = readSource(path, io.stdin);
      reporter.read(path, source);
      const result = layered ? layered(path) : rewrite(source, {
        ...base,
        file: path,
        options,
        ...(config ? { config } : {}),
        ...(flags.service ? { services: flags.service } : {}),
      });
      wouldChange ||= result.changed;
      const write = mode === "write" && result.changed && path !== "-";
      let extras: ExtraFileWrite[] | undefined;
      if (write) {
        cleanLeftovers(path, cleaned, io);
        // The setup script first: a stack file that names a network nobody can create is worse than a spare script.
        extras = result.extraFiles.map(writeExtraFile);
        writeFileAtomic(path, result.output, { expected: source });
      }
      reporter.rewritten(path, result, write);
      if (flags.format === "text" && !flags.quiet && mode !== "check") {
        for (const line of describeExtraFiles(path, result.extraFiles, extras)) io.stderr(line + "\n");
      }
    } catch (error) {
      failed = true;
      reporter.failed(path, internalError(path, error));
    }
  }
  const code = failed ? exitCodes.error : flags.check && wouldChange ? exitCodes.found : exitCodes.ok;
  reporter.finish(code);
  return code;
}

/** Before the first write into a folder: temporary files that a killed run left there are removed, and said so. */
function cleanLeftovers(path: string, folders: Set<string>, io: CliIO): void {
  const folder = dirname(resolve(path));
  if (folders.has(folder)) return;
  folders.add(folder);
  for (const leftover of removeStaleTemporaries(path)) {
    io.stderr(`${path}: removed ${leftover.path}, a temporary file left by an interrupted stackmod run (pid ${leftover.pid})\n`);
  }
}

function describeTransforms(): string {
  return transforms
    .map((t) => {
      const shape = (t.optionsSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
      const options = Object.entries(shape).map(([key, schema]) => `    ${t.optionsKey}.${key}: ${schema.description ?? ""}`);
      return [`${t.name}: ${t.summary}`, ...options].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
