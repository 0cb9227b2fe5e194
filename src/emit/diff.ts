import { createTwoFilesPatch, FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatch } from "diff";
import type { TextEdit } from "../edit/text-edits.js";
import { gitQuoted } from "./printable.js";

/** Files smaller than this are diffed whole: one Myers diff is cheap there. */
const wholeFileLimit = 64 * 1024;

/**
 * A unified diff in git's format (`--- a/PATH`, `+++ b/PATH`); empty when nothing
 * changed. Given the edits that turned `before` into `after`, a large file is cut
 * into pieces between distant edits and each piece diffed on its own: a Myers diff
 * of the whole file costs its length times the number of changed lines, which is
 * quadratic for a file with thousands of rewritten services.
 */
export function unifiedDiff(
  path: string,
  before: string,
  after: string,
  edits?: readonly TextEdit[],
  limit = wholeFileLimit,
): string {
  if (before === after) return "";
  // git drops one leading slash of an absolute path (`git diff --no-index /tmp/x` prints `a/tmp/x`).
  const name = path.replace(/^\.\//, "").replace(/^\//, "");
  const [oldName, newName] = [gitQuoted(`a/${name}`), gitQuoted(`b/${name}`)];
  // git ends a header line whose unquoted name holds a space with a tab, so that the name's end is plain.
  const header = oldName.includes(" ") && !oldName.startsWith('"') ? "" : undefined;
  const cuts = edits && before.length >= limit ? cutPoints(before, after, edits) : undefined;
  if (!cuts) {
    return createTwoFilesPatch(oldName, newName, before, after, header, header, {
      context: 3,
      headerOptions: FILE_HEADERS_ONLY,
    });
  }
  const hunks: StructuredPatch["hunks"] = [];
  let from = { before: 0, after: 0 };
  let lines = { before: 0, after: 0 };
  for (const to of [...cuts, { before: before.length, after: after.length }]) {
    const a = before.slice(from.before, to.before);
    const b = after.slice(from.after, to.after);
    if (a !== b) {
      for (const hunk of structuredPatch("", "", a, b, undefined, undefined, { context: 3 }).hunks) {
        hunks.push({ ...hunk, oldStart: hunk.oldStart + lines.before, newStart: hunk.newStart + lines.after });
      }
    }
    lines = { before: lines.before + countNewlines(a), after: lines.after + countNewlines(b) };
    from = to;
  }
  return formatPatch(
    { oldFileName: oldName, newFileName: newName, oldHeader: header, newHeader: header, hunks },
    FILE_HEADERS_ONLY,
  );
}

/**
 * Offsets (in both texts) of line starts in the middle of unchanged stretches of at
 * least 8 lines, so that no hunk with its 3 lines of context crosses one. Undefined
 * when the edits do not account for `after` exactly (then the whole file is diffed).
 */
function cutPoints(
  before: string,
  after: string,
  edits: readonly TextEdit[],
): { before: number; after: number }[] | undefined {
  const sorted = [...edits].sort((x, y) => x.start - y.start || x.end - y.end);
  const cuts: { before: number; after: number }[] = [];
  let shift = 0;
  let previousEnd = 0;
  for (let i = 0; i <= sorted.length; i += 1) {
    const edit = sorted[i];
    const gapEnd = edit ? edit.start : before.length;
    if (gapEnd < previousEnd) return undefined;
    if (before.slice(previousEnd, gapEnd) !== after.slice(previousEnd + shift, gapEnd + shift)) return undefined;
    if (i > 0 && edit) {
      const cut = middleLineStart(before, previousEnd, gapEnd);
      if (cut !== undefined) cuts.push({ before: cut, after: cut + shift });
    }
    if (edit) {
      shift += edit.text.length - (edit.end - edit.start);
      previousEnd = edit.end;
    }
  }
  return before.length + shift === after.length ? cuts : undefined;
}

/** A line start with at least 4 whole lines of `text[from, to)` on each side, if there is one. */
function middleLineStart(text: string, from: number, to: number): number | undefined {
  const first = text.indexOf("\n", from) + 1;
  const last = text.lastIndexOf("\n", to - 1) + 1;
  if (first === 0 || first > last) return undefined;
  let cut = first;
  for (let n = 0; n < 4; n += 1) {
    cut = text.indexOf("\n", cut) + 1;
    if (cut === 0 || cut > last) return undefined;
  }
  let rest = 0;
  for (let at = cut; rest < 4; rest += 1) {
    at = text.indexOf("\n", at) + 1;
    if (at === 0 || at > last) return undefined;
  }
  return cut;
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count += 1;
  return count;
}
