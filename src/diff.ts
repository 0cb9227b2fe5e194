import { createTwoFilesPatch, FILE_HEADERS_ONLY } from "diff";

/** A unified diff in git's format (`--- a/PATH`, `+++ b/PATH`); empty when nothing changed. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return "";
  const name = path.replace(/^\.\//, "");
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}
