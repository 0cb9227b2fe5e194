/**
 * Why a 1-based `line:column` is not a place in `text`, or undefined when it is: an error must
 * point where the user is to edit, in the file they have (a column may stand just after a line's
 * last character, where something is missing). Columns count UTF-16 units, as yaml does; a BOM is not one.
 */
export function outsideFile(text: string, line: number, column: number): string | undefined {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  if (!Number.isInteger(line) || line < 1 || line > lines.length) return `line ${line} of ${lines.length} lines`;
  const length = lines[line - 1]!.length;
  if (!Number.isInteger(column) || column < 1 || column > length + 1)
    return `column ${column} of line ${line}, which has ${length} characters`;
  return undefined;
}
