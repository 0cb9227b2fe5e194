/** One replacement of the original text between `start` and `end` (offsets in the original). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * Collects edits against the original text and applies them in one pass, so that
 * every byte outside an edit stays exactly as it was. Insertions at the same
 * offset keep the order in which they were added.
 */
export class TextEdits {
  private readonly edits: (TextEdit & { order: number })[] = [];
  private inFront = false;

  /** Called with every edit before it is recorded; it throws to refuse one (text that must not change). */
  guard: ((start: number, end: number) => void) | undefined;

  add(start: number, end: number, text: string): void {
    this.guard?.(start, end);
    const order = this.inFront ? this.edits.length - Number.MAX_SAFE_INTEGER : this.edits.length;
    this.edits.push({ start, end, text, order });
  }

  /**
   * Edits made inside `fn` go before those already at the same offset: text nested in a
   * block (a key under `deploy:`) must precede a sibling that a later line of code happened
   * to add first at the block's end.
   */
  ahead<T>(fn: () => T): T {
    this.inFront = true;
    try {
      return fn();
    } finally {
      this.inFront = false;
    }
  }

  insert(at: number, text: string): void {
    this.add(at, at, text);
  }

  /** The edits in the order they were added. */
  list(): readonly TextEdit[] {
    return this.edits;
  }

  get size(): number {
    return this.edits.length;
  }

  apply(original: string): string {
    const covered = this.covered();
    const sorted = this.edits
      .filter((edit) => !covered.has(edit))
      .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
    let result = "";
    let cursor = 0;
    let deleting = false;
    for (const edit of sorted) {
      const deletion = edit.text === "" && edit.end > edit.start;
      if (edit.start < cursor) {
        // Two removals that share text (a list item and the comma of its neighbour): remove both.
        if (deleting && deletion) {
          cursor = Math.max(cursor, edit.end);
          continue;
        }
        throw new Error(`internal: overlapping edits at offset ${edit.start}`);
      }
      result += original.slice(cursor, edit.start) + edit.text;
      cursor = edit.end;
      deleting = deletion;
    }
    return result + original.slice(cursor);
  }

  /**
   * Edits inside text that another edit deletes: two fixes removing the same list
   * item, or a whole key removed after one of its items was. They change nothing
   * the deletion does not, so they are dropped instead of counted as overlapping.
   * An insertion at either end of the deletion is kept (it is outside it).
   */
  private covered(): Set<TextEdit> {
    const covered = new Set<TextEdit>();
    const byExtent = [...this.edits].sort((a, b) => a.start - b.start || b.end - a.end || a.order - b.order);
    let cover: TextEdit | undefined;
    for (const edit of byExtent) {
      const inside =
        cover !== undefined &&
        edit.start >= cover.start &&
        edit.end <= cover.end &&
        (edit.start < edit.end || (edit.start > cover.start && edit.start < cover.end));
      if (inside) {
        covered.add(edit);
        continue;
      }
      if (edit.text === "" && edit.end > edit.start && edit.end > (cover?.end ?? -1)) cover = edit;
    }
    return covered;
  }
}
