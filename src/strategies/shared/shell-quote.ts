/**
 * One POSIX shell word that stands for exactly `value`: single quotes keep every
 * character literal, and a single quote itself is closed, escaped and reopened.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Text safe inside a `#` comment: a line break in it would end the comment and start a command. */
export function commentText(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the comment
  return value.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, "?");
}
