import { commandLine } from "../edit/shell-quote.js";
import { booleanFlags } from "./commands/option-flags.js";

/** Flags left out of the next command: they only change how a run is shown, or choose its mode. */
const dropped = new Set([...booleanFlags].filter((flag) => flag !== "-h" && flag !== "--help"));

/**
 * A command line split into the words before `--` (options and paths) and the paths after it,
 * without the flags that only change how a run is shown and without the mode (`--check`...).
 * A value is never taken for a flag: every option that is not boolean takes exactly one.
 */
export interface NextArgs {
  command: string;
  words: string[];
  /** The paths after `--`, if any. */
  rest: string[];
  /** Whether standard input (`-`) is one of the inputs, and the only one. */
  stdin: "none" | "only" | "some";
}

export function nextArgs(argv: readonly string[]): NextArgs {
  const [command = "", ...args] = argv;
  const dash = args.indexOf("--");
  const options = dash < 0 ? args : args.slice(0, dash);
  const rest = dash < 0 ? [] : args.slice(dash + 1);
  const words: string[] = [];
  const paths: string[] = [...rest];
  let layered = false;
  for (let i = 0; i < options.length; i++) {
    const word = options[i]!;
    const takesValue = word.startsWith("-") && word !== "-" && !word.includes("=") && !booleanFlags.has(word);
    if (word === "--format") i++;
    else if (word.startsWith("--format=") || dropped.has(word)) continue;
    else if (takesValue && i + 1 < options.length) {
      if (word === "-c" || word === "--compose-file") {
        layered = true;
        paths.push(options[i + 1]!);
      }
      words.push(word, options[++i]!);
    } else {
      if (!word.startsWith("-") || word === "-") paths.push(word);
      words.push(word);
    }
  }
  const stdin = paths.includes("-") ? (paths.length === 1 && !layered ? "only" : "some") : "none";
  return { command, words, rest, stdin };
}

/** The command line of `args` for `command`, with `extra` flags placed before any `--`. */
function build(args: NextArgs, command: string, extra: readonly string[]): string {
  const rest = args.rest.length > 0 ? ["--", ...args.rest] : [];
  return commandLine(["stackmod", command, ...args.words, ...extra, ...rest]);
}

/** How to apply the fix: `--write`, or `--stdout` for standard input alone; undefined when neither works. */
function applyLine(args: NextArgs): string | undefined {
  if (args.stdin === "some") return undefined;
  return build(args, "rewrite", [args.stdin === "only" ? "--stdout" : "--write"]);
}

/** After `check` found errors. */
export function afterCheck(args: NextArgs, errors: number): string {
  const noun = errors === 1 ? "1 conflict" : `${errors} conflicts`;
  const apply = applyLine(args);
  return [
    `${noun} found. See the fix with: ${build(args, "rewrite", [])}`,
    apply ? `apply it with: ${apply}` : "standard input cannot be written back: rewrite the files by name with --write",
  ].join("\n");
}

/** After a dry run or `rewrite --check` that would change files. */
export function afterDryRun(args: NextArgs, changed: number): string {
  const noun = changed === 1 ? "1 file" : `${changed} files`;
  const apply = applyLine(args);
  if (!apply)
    return `${noun} would change; standard input cannot be written back: rewrite the files by name with --write`;
  return `${noun} would change. Apply with: ${apply}`;
}
