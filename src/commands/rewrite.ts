import { dirname, resolve } from "node:path";
import { removeStaleTemporaries, writeFileAtomic } from "../atomic-write.js";
import { readConfigText } from "../config-file.js";
import { StackmodError } from "../errors.js";
import { exitCodes, type ExitCode } from "../exit-codes.js";
import { checkExtraFile, describeExtraFiles, writeExtraFile, type ExtraFileWrite } from "../extra-files.js";
import { listInputs, readSource } from "../inputs.js";
import { layeredRewrite } from "../layered-cli.js";
import type { RawOptions } from "../options.js";
import { Reporter } from "../report/reporter.js";
import { rewrite } from "../rewrite.js";
import { internalError, loadOptions, readOptions, type CommonFlags } from "./common.js";
import type { CliIO } from "./io.js";

export interface RewriteFlags extends CommonFlags {
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
      throw new StackmodError("USAGE", `--port ${spec}: expected SERVICE=PORT[/PROTO], e.g. bacnet=47808/udp`, {
        file: "<command line>",
        line: 1,
        column: 1,
      });
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
      throw new StackmodError("USAGE", `--lan-range ${spec}: expected NODE=CIDR, e.g. node-a=192.168.50.192/28`, {
        file: "<command line>",
        line: 1,
        column: 1,
      });
    }
    const node = spec.slice(0, eq);
    if (ranges[node] !== undefined) {
      throw new StackmodError("USAGE", `--lan-range ${spec}: node ${node} already has the range ${ranges[node]}`, {
        file: "<command line>",
        line: 1,
        column: 1,
      });
    }
    ranges[node] = spec.slice(eq + 1);
  }
  return ranges;
}

export function runRewrite(paths: string[], flags: RewriteFlags, io: CliIO, argv: readonly string[]): ExitCode {
  if (flags.stdout && flags.format !== "text") {
    throw new StackmodError(
      "USAGE",
      `--stdout prints the rewritten file, so it cannot be combined with --format ${flags.format}; the ${flags.format} report carries the diff instead`,
      { file: "<command line>", line: 1, column: 1 },
    );
  }
  const base = loadOptions(flags, io);
  const reading = readOptions(flags, io);
  const config = flags.config ? readConfigText(readSource(flags.config), flags.config) : undefined;
  const options = cliOptions(flags);
  const mode = flags.check ? "check" : flags.write ? "write" : flags.stdout ? "stdout" : "diff";
  const reporter = new Reporter("rewrite", flags, io, argv, mode);
  let failed = false;
  let wouldChange = false;
  const cleaned = new Set<string>();
  const inputs = flags.composeFile ? flags.composeFile.map((path) => ({ path, error: undefined })) : listInputs(paths);
  const rewriteOptions = {
    ...base,
    options,
    ...(config ? { config } : {}),
    ...(flags.service ? { services: flags.service } : {}),
  };
  const layered = flags.composeFile
    ? layeredRewrite(flags.composeFile, (path) => readSource(path, reading), rewriteOptions)
    : undefined;
  const files = inputs.map((input) => input.path);
  // Every file the run reads: no extra file may be one of them.
  const read = [...files, ...(flags.config ? [flags.config] : []), ...(flags.envFile ? [flags.envFile] : [])];
  reporter.begin(files);
  reporter.detail(`options from the command line: ${JSON.stringify(options)}`);
  if (config) reporter.detail(`options from ${flags.config}: ${JSON.stringify(config)}`);
  for (const [index, { path, error: listing }] of inputs.entries()) {
    reporter.starting(index, path);
    try {
      if (listing) throw listing;
      const source = readSource(path, reading);
      reporter.read(path, Buffer.byteLength(source));
      const result = layered
        ? layered(path)
        : rewrite(source, {
            ...base,
            file: path,
            options,
            ...(config ? { config } : {}),
            ...(flags.service ? { services: flags.service } : {}),
          });
      wouldChange ||= result.changed;
      const write = mode === "write" && result.changed && path !== "-";
      const context = { stackFile: path, inputs: read };
      // Checked in every mode: a path that would be refused at --write is bad input in a dry run too.
      for (const extra of result.extraFiles) checkExtraFile(extra, context);
      let extras: ExtraFileWrite[] | undefined;
      if (write) {
        cleanLeftovers(path, cleaned, io);
        // The setup script first: a stack file that names a network nobody can create is worse than a spare script.
        extras = result.extraFiles.map((extra) => writeExtraFile(extra, context));
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
    io.stderr(
      `${path}: removed ${leftover.path}, a temporary file left by an interrupted stackmod run (pid ${leftover.pid})\n`,
    );
  }
}
