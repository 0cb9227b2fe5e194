/**
 * What a terminal shows as text. File names and values in a report come from other people
 * (a repository's file names, a stack file's keys): a control character in them would be
 * acted on by the terminal (`ESC ]0;` retitles it, `ESC [2J` clears it, a carriage return
 * overwrites the line) or, a line feed, start a line of its own that reads as stackmod's
 * (and on GitHub Actions, whose runner reads workflow commands from both streams, as a
 * `::error::` command). So the text reports show them escaped; the json and sarif reports
 * escape them as JSON does, and the github one as @actions/core does.
 */

const cEscapes: Record<number, string> = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r" };

/** C0 controls, DEL and the C1 controls (which some terminals read as ESC sequences). */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/**
 * A message with each control character written as JSON writes it (`\n`, `\t`, `\u001b`),
 * as the names stackmod already quotes with JSON.stringify show them; other text unchanged.
 */
export function printable(text: string): string {
  if (!hasControl(text)) return text;
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (!isControl(code)) out += char;
    else if (code === 8 || code === 9 || code === 10 || code === 12 || code === 13) out += `\\${cEscapes[code]}`;
    else out += `\\u${code.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/**
 * A path as git writes it (`core.quotePath`, its default): left alone unless it holds a
 * double quote, a backslash, a control character or a non-ASCII one; then in double quotes,
 * with C escapes (`\t`, `\n`, `\"`, `\\`) and every other such byte of its UTF-8 as three
 * octal digits. `git apply` reads it back.
 */
export function gitQuoted(path: string): string {
  // A code-point test instead of a regular expression with control characters in it.
  if (![...path].some((char) => char === '"' || char === "\\" || char < " " || char > "~")) return path;
  return quoteBytes(path);
}

/**
 * A path in a text report: as it is, unless it holds a control character; then quoted as
 * git quotes it (as `git status` shows such a name), so that it stays on its line and the
 * terminal shows it rather than acting on it.
 */
export function printablePath(path: string): string {
  return hasControl(path) ? quoteBytes(path) : path;
}

function quoteBytes(path: string): string {
  let quoted = '"';
  for (const byte of Buffer.from(path, "utf8")) {
    const escape = byte === 34 ? '"' : byte === 92 ? "\\" : cEscapes[byte];
    if (escape !== undefined) quoted += `\\${escape}`;
    else if (byte < 0x20 || byte >= 0x7f) quoted += `\\${byte.toString(8).padStart(3, "0")}`;
    else quoted += String.fromCharCode(byte);
  }
  return quoted + '"';
}
