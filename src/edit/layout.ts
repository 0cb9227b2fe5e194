/** What every edit keeps of the text it edits: its byte order mark, its line ends, its final newline or lack of one. */
export interface TextLayout {
  bom: boolean;
  /** "\r\n" when every line ends so, "\n" when none does; undefined for a mix (or a single line). */
  eol: "\n" | "\r\n" | undefined;
  finalNewline: boolean;
}

export function layoutOf(text: string): TextLayout {
  const crlf = text.includes("\r\n");
  const lf = /(?:^|[^\r])\n/.test(text);
  const eol = crlf && !lf ? "\r\n" : lf && !crlf ? "\n" : undefined;
  return { bom: text.charCodeAt(0) === 0xfeff, eol, finalNewline: text.endsWith("\n") };
}

/** What `edited` changed of a layout it had to keep, in words (for the verify step); undefined when nothing. */
export function layoutChange(before: TextLayout, edited: string): string | undefined {
  const after = layoutOf(edited);
  if (before.bom !== after.bom) return before.bom ? "it drops the file's byte order mark" : "it adds a byte order mark";
  if (before.finalNewline !== after.finalNewline) {
    return before.finalNewline ? "it drops the file's final newline" : "it adds a final newline the file did not have";
  }
  if (before.eol !== undefined && after.eol !== before.eol) {
    return before.eol === "\r\n" ? "it writes LF line ends in a CRLF file" : "it writes CRLF line ends in an LF file";
  }
  return undefined;
}
