/**
 * One POSIX shell word that stands for exactly `value`: single quotes keep every
 * character literal, and a single quote itself is closed, escaped and reopened.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `value` as one shell word, quoted only when it holds a character the shell would read. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : shellQuote(value);
}

/** A command line of `words`, each one shell word, for a user to paste. */
export function commandLine(words: readonly string[]): string {
  return words.map(shellWord).join(" ");
}

/** Text safe inside a `#` comment: a line break in it would end the comment and start a command. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the comment
  return value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, "?");
}
