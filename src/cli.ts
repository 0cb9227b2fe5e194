import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { readConfigText } from "./config-file.js";
import { StackmodError } from "./errors.js";
import { exitCodes, type ExitCode } from "./exit-codes.js";
import { expandPaths, readSource, writeFileAtomic } from "./files.js";
import { parseEnvFile, type Environment } from "./interpolate.js";
import { check } from "./check.js";
import type { Dialect } from "./model/types.js";
import type { RawOptions } from "./options.js";
import { formatError, formatFinding, formatRewriteReport } from "./report/text.js";
import { rewrite } from "./rewrite.js";
import { transforms } from "../transforms/index.js";

/** Where the CLI reads and writes; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: () => Buffer;
  env: Environment;
}

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: () => readFileSync(0),
  env: process.env,
};

interface CommonFlags {
  envFile?: string;
  target?: Dialect;
  format: "text" | "json";
  maxBytes?: number;
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  let exitCode: ExitCode = exitCodes.ok;
  const program = new Command("stackmod")
    .description("Find and rewrite Swarm stack and Compose services that are on the host network and another network (refused since Docker Engine 28).")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");

  withCommonFlags(
    program
      .command("check")
      .description("find the conflicts; exit 0 none, 1 found, 2 error")
      .argument("[paths...]", "files, folders (searched for compose/stack files) or - for stdin", ["."]),
  )
    .addHelpText("after", "\nExamples:\n  stackmod check stack.yml\n  stackmod check deploy/ --format json\n  cat stack.yml | stackmod check -")
    .action((paths: string[], flags: CommonFlags) => {
      exitCode = runCheck(paths, flags, io);
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
    .addOption(new Option("--publish <mode>", "how the service publishes forwarded ports").choices(["ingress", "host"]))
    .option("--queue <kind>", "split: the queue between collector and processor (nats, redis, rabbitmq, mqtt)")
    .option("--lan-driver <driver>", "lan: macvlan or ipvlan")
    .option("--lan-parent <interface>", "lan: the parent interface on every node, e.g. eth0")
    .option("--lan-subnet <cidr>", "lan: the LAN's subnet, e.g. 192.168.50.0/24")
    .option("--lan-gateway <ip>", "lan: the LAN's gateway")
    .option("--lan-network <name>", "lan: the name of the swarm-scoped network")
    .option("--config <file>", "options file (YAML or JSON) shaped like the top-level x-stackmod block")
    .addHelpText(
      "after",
      "\nExamples:\n  stackmod rewrite examples/bacnet-stack.yml\n  stackmod rewrite stack.yml --port bacnet=47808/udp --write\n  stackmod rewrite stack.yml --strategy proxy --direction outbound --stdout\n  stackmod rewrite deploy/ --check",
    )
    .action((paths: string[], flags: RewriteFlags) => {
      exitCode = runRewrite(paths, flags, io);
    });

  program
    .command("transforms")
    .description("list the strategies and their options")
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
    throw error;
  }
  return exitCode;
}

function withCommonFlags(command: Command): Command {
  return command
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--env-file <file>", "variables for ${VAR} interpolation, on top of the environment")
    .addOption(new Option("--target <dialect>", "treat files as Swarm stack files or Compose files").choices(["swarm", "compose"]))
    .addOption(new Option("--max-bytes <n>", "largest file accepted").argParser((v) => Number(v)));
}

function environment(flags: CommonFlags, io: CliIO): Environment {
  if (!flags.envFile) return io.env;
  return { ...io.env, ...parseEnvFile(readSource(flags.envFile)) };
}

function loadOptions(flags: CommonFlags, io: CliIO) {
  return {
    env: environment(flags, io),
    ...(flags.target ? { target: flags.target } : {}),
    ...(flags.maxBytes ? { limits: { maxBytes: flags.maxBytes } } : {}),
  };
}

function runCheck(paths: string[], flags: CommonFlags, io: CliIO): ExitCode {
  const options = loadOptions(flags, io);
  let found = false;
  let failed = false;
  const results: unknown[] = [];
  for (const path of expandPaths(paths)) {
    try {
      const result = check(readSource(path, io.stdin), { ...options, file: path });
      found ||= result.findings.some((f) => f.severity === "error");
      if (flags.format === "json") results.push(result);
      else for (const finding of result.findings) io.stdout(formatFinding(finding) + "\n");
    } catch (error) {
      if (!(error instanceof StackmodError)) throw error;
      failed = true;
      if (flags.format === "json") results.push({ file: error.file, error: { code: error.code, message: error.message, line: error.line, column: error.column } });
      io.stderr(formatError(error) + "\n");
    }
  }
  if (flags.format === "json") io.stdout(JSON.stringify({ version: 1, results }, null, 2) + "\n");
  return failed ? exitCodes.error : found ? exitCodes.found : exitCodes.ok;
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
  config?: string;
}

function cliOptions(flags: RewriteFlags): RawOptions {
  const options: RawOptions = {};
  if (flags.strategy) options.strategy = flags.strategy;
  const proxy: Record<string, string> = {};
  if (flags.direction) proxy.direction = flags.direction;
  if (flags.publish) proxy.publish = flags.publish;
  if (Object.keys(proxy).length > 0) options.proxy = proxy;
  if (flags.queue) options.queue = { kind: flags.queue };
  const lan: Record<string, string> = {};
  if (flags.lanDriver) lan.driver = flags.lanDriver;
  if (flags.lanParent) lan.parent = flags.lanParent;
  if (flags.lanSubnet) lan.subnet = flags.lanSubnet;
  if (flags.lanGateway) lan.gateway = flags.lanGateway;
  if (flags.lanNetwork) lan.network = flags.lanNetwork;
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

function runRewrite(paths: string[], flags: RewriteFlags, io: CliIO): ExitCode {
  const base = loadOptions(flags, io);
  const config = flags.config ? readConfigText(readSource(flags.config), flags.config) : undefined;
  const options = cliOptions(flags);
  let failed = false;
  let wouldChange = false;
  for (const path of expandPaths(paths)) {
    try {
      const result = rewrite(readSource(path, io.stdin), {
        ...base,
        file: path,
        options,
        ...(config ? { config } : {}),
        ...(flags.service ? { services: flags.service } : {}),
      });
      wouldChange ||= result.changed;
      const write = Boolean(flags.write) && !flags.check && result.changed && path !== "-";
      if (write) writeFileAtomic(path, result.output);
      if (flags.stdout) io.stdout(result.output);
      else if (!flags.write && !flags.check) io.stdout(result.diff);
      if (flags.format === "json") io.stderr(JSON.stringify({ ...result, original: undefined, output: undefined }) + "\n");
      else for (const line of formatRewriteReport(result, write)) io.stderr(line + "\n");
    } catch (error) {
      if (!(error instanceof StackmodError)) throw error;
      failed = true;
      io.stderr(formatError(error) + "\n");
    }
  }
  if (failed) return exitCodes.error;
  return flags.check && wouldChange ? exitCodes.found : exitCodes.ok;
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
