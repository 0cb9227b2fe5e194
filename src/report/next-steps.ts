/** The command a user runs next, with the words quoted for a POSIX shell. */
export function commandLine(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const presentation = new Set(["-q", "--quiet", "-v", "--verbose", "--color", "--no-color", "--check"]);

/** The command line without the flags that only change how a run is shown (and without `--check`). */
export function withoutPresentationFlags(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--format") i++;
    else if (!presentation.has(word) && !word.startsWith("--format=")) kept.push(word);
  }
  return kept;
}

/** After `check` found errors; `rewriteArgs` is the same command line with `rewrite` for `check`. */
export function afterCheck(rewriteArgs: readonly string[], errors: number): string {
  const noun = errors === 1 ? "1 conflict" : `${errors} conflicts`;
  return [
    `${noun} found. See the fix with: ${commandLine(["stackmod", ...rewriteArgs])}`,
    `apply it with: ${commandLine(["stackmod", ...rewriteArgs, applyFlag(rewriteArgs)])}`,
  ].join("\n");
}

/** After a dry run or `rewrite --check` that would change files; `args` is the command line without `--check`. */
export function afterDryRun(args: readonly string[], changed: number): string {
  const noun = changed === 1 ? "1 file" : `${changed} files`;
  return `${noun} would change. Apply with: ${commandLine(["stackmod", ...args, applyFlag(args)])}`;
}

/** Standard input cannot be written back: print the result instead. */
function applyFlag(args: readonly string[]): string {
  return args.includes("-") ? "--stdout" : "--write";
}
