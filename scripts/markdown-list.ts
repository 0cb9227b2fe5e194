/**
 * Markdown list items wrapped at a readable width, for the README's generated sections. A table row cannot
 * wrap, so what would be a long row is written as a list item: the first line starts with `- `, the lines
 * after it are indented by two spaces so that they stay in the item. Code spans are kept on one line where
 * they fit, since a break inside one renders as a space but reads badly in the source.
 */
export const readableWidth = 120;

/** One list item holding `text`, wrapped at `width` characters. */
export function listItem(text: string, width = readableWidth): string {
  const lines: string[] = [];
  let line = "-";
  const place = (word: string): void => {
    const next = `${line} ${word}`;
    if ([...next].length <= width || line === "-" || !breakableBefore(word)) line = next;
    else {
      lines.push(line);
      line = `  ${word}`;
    }
  };
  for (const word of words(text)) {
    // A code span too long for a line of its own is broken at its spaces (a break renders as a space).
    if ([...word].length > width - 2 && word.includes(" ")) word.split(" ").forEach(place);
    else place(word);
  }
  lines.push(line);
  return lines.join("\n");
}

/** The words of `text`, a code span with spaces in it counted as one word (with what is glued to it). */
function words(text: string): string[] {
  const out: string[] = [];
  let word = "";
  let inCode = false;
  for (const ch of text.replace(/\s+/g, " ").trim()) {
    if (ch === "`") inCode = !inCode;
    if (ch === " " && !inCode) {
      if (word) out.push(word);
      word = "";
    } else word += ch;
  }
  if (word) out.push(word);
  return out;
}

/**
 * Whether a continuation line may start with `word`: a line that starts a list item, a heading, a quote, a
 * table, a fence, an HTML block or a setext underline would stop being part of the item's paragraph.
 */
function breakableBefore(word: string): boolean {
  return !/^([-+*]|\d{1,9}[.)]|#{1,6}|-+|=+)$|^(>|\||```|~~~|<[a-zA-Z!/?])/.test(word);
}
