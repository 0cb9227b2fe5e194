import type { CheckResult } from "../check.js";
import type { StackmodError } from "../errors.js";
import type { ExitCode } from "../exit-codes.js";
import type { Environment } from "../model/interpolate.js";
import type { RewriteResult } from "../rewrite.js";
import { colorEnabled, palette, type ColorFlag, type Palette } from "../emit/color.js";
import { formatGithub } from "../emit/github.js";
import { formatJson } from "../emit/json.js";
import { afterCheck, afterDryRun, nextArgs } from "./next-steps.js";
import { remainingErrorsOf, type FileOutcome, type RewriteMode, type RunOutcome } from "../emit/outcome.js";
import { Progress } from "./progress.js";
import { formatSarif } from "../emit/sarif.js";
import { colorDiff, formatError, formatFinding, formatRewriteReport } from "../emit/text.js";
import { printable } from "../emit/printable.js";

export const reportFormats = ["text", "json", "sarif", "github"] as const;
type ReportFormat = (typeof reportFormats)[number];

export interface ReporterIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Environment;
  isTTY?: { stdout?: boolean; stderr?: boolean };
}

export interface ReportFlags {
  format: ReportFormat;
  quiet?: boolean;
  verbose?: boolean;
  color?: ColorFlag;
}

/**
 * Everything a run prints besides the rewritten text: per-file output as it
 * happens (text format), the machine-readable report at the end (other formats),
 * the progress line, `--verbose` details and the next step to take.
 */
export class Reporter {
  private readonly outcomes: FileOutcome[] = [];
  private readonly out: Palette;
  private readonly err: Palette;
  private progress: Progress;

  constructor(
    private readonly command: "check" | "rewrite",
    private readonly flags: ReportFlags,
    private readonly io: ReporterIO,
    /** The command line as typed after `stackmod`, to build the next command from. */
    private readonly argv: readonly string[],
    private readonly mode?: RewriteMode,
  ) {
    this.out = palette(colorEnabled(flags.color, io.env, Boolean(io.isTTY?.stdout)));
    this.err = palette(colorEnabled(flags.color, io.env, Boolean(io.isTTY?.stderr)));
    this.progress = Progress.for(io.stderr, 0, false, true);
  }

  private get text(): boolean {
    return this.flags.format === "text";
  }

  begin(files: readonly string[]): void {
    this.progress = Progress.for(
      this.io.stderr,
      files.length,
      Boolean(this.io.isTTY?.stderr),
      Boolean(this.flags.quiet),
    );
    this.detail(`${files.length === 1 ? "1 file" : `${files.length} files`} to ${this.command}: ${files.join(", ")}`);
  }

  /** A `--verbose` line on standard error. */
  detail(message: string): void {
    if (!this.flags.verbose) return;
    this.progress.clear();
    this.io.stderr(this.err.dim(`stackmod: ${printable(message)}`) + "\n");
  }

  /** A warning about the run itself (a file a scan skipped), on standard error; not with --quiet. */
  warn(message: string): void {
    if (this.flags.quiet) return;
    this.progress.clear();
    this.io.stderr(`${this.err.yellow("warning:")} ${printable(message)}\n`);
  }

  starting(index: number, file: string): void {
    this.progress.update(index, printable(file));
  }

  read(file: string, bytes: number): void {
    this.detail(`read ${file} (${bytes} bytes)`);
  }

  checked(file: string, result: CheckResult): void {
    this.outcomes.push({ kind: "checked", file, result });
    const kind = result.dialect === "swarm" ? "Swarm stack file" : "Compose file";
    this.detail(`${file}: ${kind}, ${result.findings.length} finding(s)`);
    if (!this.text) return;
    this.progress.clear();
    for (const finding of result.findings) {
      if (this.flags.quiet && finding.severity !== "error") continue;
      this.io.stdout(formatFinding(finding, this.out) + "\n");
    }
    if (!this.flags.quiet)
      for (const note of result.notes ?? [])
        this.io.stderr(`${this.err.yellow("warning:")} ${printable(note.message)}\n`);
  }

  rewritten(file: string, result: RewriteResult, written: boolean): void {
    const outcome: FileOutcome = { kind: "rewritten", file, result, written };
    this.outcomes.push(outcome);
    for (const { service, settings } of result.settings ?? []) {
      for (const setting of settings)
        this.detail(`${file}: "${service}": ${setting.option} = ${JSON.stringify(setting.value)} (${setting.from})`);
    }
    const changed = result.changed ? "changed" : "unchanged";
    const writtenText = written ? ", written" : "";
    this.detail(`${file}: ${result.findings.length} finding(s), ${changed}${writtenText}`);
    if (!this.text) return;
    this.progress.clear();
    if (this.mode === "stdout") this.io.stdout(result.output);
    else if (this.mode === "diff") this.io.stdout(colorDiff(result.diff, this.out));
    const remaining = remainingErrorsOf(outcome);
    for (const line of formatRewriteReport(result, written, this.err, this.flags.quiet, remaining))
      this.io.stderr(line + "\n");
  }

  failed(file: string, error: StackmodError): void {
    this.outcomes.push({ kind: "failed", file, error });
    this.progress.clear();
    this.io.stderr(formatError(error, this.err) + "\n");
  }

  finish(exitCode: ExitCode): void {
    this.progress.clear();
    const run: RunOutcome = {
      command: this.command,
      ...(this.mode ? { mode: this.mode } : {}),
      files: this.outcomes,
      exitCode,
    };
    if (this.flags.format === "json") this.io.stdout(formatJson(run));
    else if (this.flags.format === "sarif") this.io.stdout(formatSarif(run));
    else if (this.flags.format === "github") this.io.stdout(formatGithub(run));
    else if (!this.flags.quiet) this.nextStep();
  }

  private nextStep(): void {
    const args = nextArgs(this.argv);
    if (this.command === "check") {
      const errors = this.outcomes
        .flatMap((o) => (o.kind === "checked" ? o.result.findings : []))
        .filter((f) => f.severity === "error").length;
      if (errors > 0) this.io.stderr(afterCheck(args, errors) + "\n");
      return;
    }
    const changed = this.outcomes.filter((o) => o.kind === "rewritten" && o.result.changed).length;
    if (changed > 0 && (this.mode === "diff" || this.mode === "check"))
      this.io.stderr(afterDryRun(args, changed) + "\n");
  }
}
