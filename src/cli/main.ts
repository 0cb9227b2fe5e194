import { Command, InvalidArgumentError, Option } from "commander";
import { StackmodError } from "../errors.js";
import { exitCodes, type ExitCode } from "../exit-codes.js";
import { reportFormats } from "./reporter.js";
import { formatError } from "../emit/text.js";
import type { CommonFlags } from "./commands/common.js";
import { internalError } from "../errors.js";
import { processIO, type CliIO } from "./commands/io.js";
import type { AuditFlags } from "./commands/audit.js";
import type { RewriteFlags } from "./commands/rewrite.js";
import { optionFlags } from "./commands/option-flags.js";
import { version } from "../version.js";

export type { CliIO } from "./commands/io.js";

export { enableWorkers, runBatchWorker } from "./parallel-check.js";

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: readonly string[], io: CliIO = processIO): Promise<ExitCode> {
  let exitCode: ExitCode = exitCodes.ok;
  const program = new Command("stackmod")
    .description(
      "Find and rewrite Swarm stack and Compose services that are on the host network and another network " +
        "(refused since Docker Engine 28).",
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)")
    .version(version)
    .addHelpText(
      "after",
      "\n" +
        "Examples:\n" +
        "  stackmod check deploy/                     # exit 0: nothing to fix, 1: conflicts found, 2: bad input\n" +
        "  stackmod rewrite deploy/stack.yml          # show the fix as a diff\n" +
        "  stackmod rewrite deploy/stack.yml --write  # apply it\n" +
        "  stackmod transforms                        # the strategies and their options\n" +
        "  stackmod audit --engine 28                 # what a running cluster loses at the upgrade to Engine 28\n" +
        "\n" +
        "Run stackmod COMMAND --help for a command's options and examples.",
    );

  withCommonFlags(
    program
      .command("check")
      .description("find the conflicts; exit 0 none, 1 found, 2 error")
      .argument(
        "[paths...]",
        "files, folders (searched for stack and Compose files) or - for stdin (default: the current folder)",
      ),
  )
    .addHelpText(
      "after",
      "\n" +
        "Examples:\n" +
        "  stackmod check stack.yml\n" +
        "  stackmod check deploy/ --format json\n" +
        "  stackmod check deploy/ --format sarif > stackmod.sarif\n" +
        "  stackmod check deploy/ --format github     # annotations in a GitHub Actions log\n" +
        "  cat stack.yml | stackmod check -",
    )
    .action(async (paths: string[], flags: CommonFlags) => {
      const { runCheck } = await import("./commands/check.js");
      exitCode = await runCheck(paths, flags, io, argv);
    });

  const rewriteCommand = withCommonFlags(
    program
      .command("rewrite")
      .description("print a unified diff of the rewrite (dry run), or rewrite in place with --write")
      .argument("[paths...]", "files, folders or - for stdin (default: the current folder)"),
  )
    .option("--write", "rewrite the files in place (atomically)")
    .option("--check", "write nothing; exit 1 if any file would change or keeps an error")
    .option("--strict", "exit 1 when a rewrite loses a flow (for CI)")
    .option("--stdout", "print the rewritten file instead of a diff")
    .option("--config <file>", "options file (YAML or JSON) shaped like the top-level x-stackmod block")
    .addOption(
      repeatable("--service <name>", "rewrite only this service (repeatable, or a comma list: a,b)", commaList),
    )
    .addOption(
      repeatable(
        "--fix <rule>",
        "also fix this rule's warnings (an id from `stackmod explain`, or all); errors' fixes always run",
      ),
    );
  for (const flag of optionFlags) {
    rewriteCommand.addOption(
      flag.repeatable ? repeatable(flag.flags, flag.description) : new Option(flag.flags, flag.description),
    );
  }
  rewriteCommand
    .addHelpText(
      "after",
      "\n" +
        "Examples:\n" +
        "  stackmod rewrite examples/bacnet-stack.yml\n" +
        "  stackmod rewrite stack.yml --port bacnet=47808/udp --write\n" +
        "  stackmod rewrite stack.yml --strategy proxy --direction outbound --stdout\n" +
        "  stackmod rewrite deploy/ --check\n" +
        "  stackmod rewrite deploy/ --check --format json > report.json\n" +
        "  stackmod rewrite stack.yml --strategy lan --lan-parent eth0 --lan-subnet 192.168.50.0/24 --lan-range " +
        "node-a=192.168.50.192/28 --write",
    )
    .action(async (paths: string[], flags: RewriteFlags) => {
      const { runRewrite } = await import("./commands/rewrite.js");
      exitCode = runRewrite(paths, flags, io, argv);
    });

  program
    .command("audit")
    .description("read a running cluster through the Engine API (GET only) and report what the engine refuses")
    .option("-H, --host <url>", "the engine: unix:///var/run/docker.sock, tcp://HOST:2375 (default: as the docker CLI)")
    .option("--context <name>", "a docker CLI context (docker context ls)")
    .option("--engine <version>", "also judge for this engine, e.g. 28 or 28.0.1: what changes at the upgrade")
    .option("--stack-dir <dir>", "where the stack files are (STACK.yml, STACK/docker-compose.yml, ...)")
    .addOption(
      new Option("--format <format>", "report format: text, json, sarif, github (on stdout)")
        .choices(reportFormats)
        .default("text"),
    )
    .option("-q, --quiet", "print only the findings")
    .option("-v, --verbose", "also list clean services and the requests made")
    .option("--color", "colour the output even when it is not a terminal")
    .option("--no-color", "never colour the output")
    .addHelpText(
      "after",
      "\n" +
        "Examples:\n" +
        "  stackmod audit                                # the engine the docker CLI talks to\n" +
        "  stackmod audit --engine 28 --stack-dir deploy/  # what stops at the upgrade to 28, and the fix per stack\n" +
        "  stackmod audit --context prod --format json\n" +
        "  stackmod audit --host tcp://manager:2375 --format sarif > audit.sarif",
    )
    .action(async (flags: AuditFlags) => {
      const { runAudit } = await import("./commands/audit.js");
      exitCode = await runAudit(flags, io);
    });

  program
    .command("explain")
    .description("what a rule means, on which engines, the engine's own words and the way out")
    .argument("[rule]", "a rule id (without one: the list of rules)")
    .addHelpText("after", "\nExamples:\n  stackmod explain\n  stackmod explain host-plus-network")
    .action(async (rule: string | undefined) => {
      const { explainRule } = await import("./commands/explain.js");
      const result = explainRule(rule);
      if (result.ok) io.stdout(result.text);
      else io.stderr(result.text);
      exitCode = result.ok ? exitCodes.ok : exitCodes.error;
    });

  program
    .command("transforms")
    .description("list the strategies and their options")
    .addHelpText("after", "\nExamples:\n  stackmod transforms")
    .action(async () => {
      const { describeTransforms } = await import("./commands/transforms.js");
      io.stdout(describeTransforms());
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help")
      return exitCodes.ok;
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
    .addOption(
      new Option(
        "--format <format>",
        "report format: text for people; json (schema/report-v1.schema.json), sarif (code scanning), github " +
          "(Actions annotations) on stdout",
      )
        .choices(reportFormats)
        .default("text"),
    )
    .option("-q, --quiet", "print only errors")
    .option("-v, --verbose", "also print what was read and the options in effect")
    .option("--color", "colour the output even when it is not a terminal")
    .option("--no-color", "never colour the output (NO_COLOR and FORCE_COLOR are respected without a flag)")
    .addOption(
      repeatable(
        "--env-file <file>",
        "variables for ${VAR} interpolation; the shell's own variables win, a later file wins over an earlier one",
      ),
    )
    .addOption(
      new Option("--target <dialect>", "treat files as Swarm stack files or Compose files").choices([
        "swarm",
        "compose",
      ]),
    )
    .addOption(
      new Option("--max-bytes <n>", "largest file accepted, in bytes (default 5 MiB)").argParser(positiveInteger),
    )
    .addOption(
      new Option(
        "--max-aliases <n>",
        "alias expansions allowed while reading, against alias bombs (default 10000)",
      ).argParser(positiveInteger),
    )
    .option(
      "--engine <version>",
      "judge for this Docker Engine, e.g. 27.5, 28.0.1, 29.1 (default: x-stackmod.engine, else the newest known)",
    )
    .addOption(
      repeatable(
        "-c, --compose-file <file>",
        "one stack layered from several files, merged as `docker stack deploy -c A -c B` merges them " +
          "(instead of paths)",
      ),
    );
}

/**
 * An option that takes one value each time and may be given again (`--port a=1/udp --port b=502`):
 * never a variadic `<value...>`, which would swallow the paths after it.
 */
function repeatable(flags: string, description: string, split: (value: string) => string[] = (v) => [v]): Option {
  return new Option(flags, `${description} (repeatable)`).argParser((value: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    ...split(value),
  ]);
}

/** `--service a,b`: names are split at commas (a service name never holds one). */
function commaList(value: string): string[] {
  const names = value.split(",").map((name) => name.trim());
  if (names.some((name) => name === ""))
    throw new InvalidArgumentError("expected a service name, or names separated by commas (a,b)");
  return names;
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError("expected a whole number of at least 1");
  return Number(value);
}
