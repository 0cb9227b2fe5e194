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
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
    let result = "";
    let cursor = 0;
    for (const edit of sorted) {
      if (edit.start < cursor) {
        throw new Error(`internal: overlapping edits at offset ${edit.start}`);
      }
      result += original.slice(cursor, edit.start) + edit.text;
      cursor = edit.end;
    }
    return result + original.slice(cursor);
  }
}
