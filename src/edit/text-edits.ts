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
  /** Edits added so far, withdrawn ones included: the rank of the next one among those at its offset. */
  private added = 0;

  /** Called with every edit before it is recorded; it throws to refuse one (text that must not change). */
  guard: ((start: number, end: number) => void) | undefined;

  add(start: number, end: number, text: string): void {
    this.guard?.(start, end);
    const order = this.inFront ? this.added - Number.MAX_SAFE_INTEGER : this.added;
    this.added += 1;
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

  /** Takes back edits added earlier: a value written whole that a later edit writes again, extended. */
  withdraw(edits: readonly TextEdit[]): void {
    const gone = new Set(edits);
    for (let i = this.edits.length - 1; i >= 0; i -= 1) if (gone.has(this.edits[i]!)) this.edits.splice(i, 1);
  }

  /**
   * Takes back `old` and records the edits `fn` adds in their place: among insertions at one offset they
   * keep the rank of the first of `old`, so that text nested in a block stays ahead of a sibling added
   * after it. Returns the edits `fn` added.
   */
  redo(old: readonly TextEdit[], fn: () => void): TextEdit[] {
    const gone = new Set(old);
    const ranks = this.edits.filter((edit) => gone.has(edit)).map((edit) => edit.order);
    this.withdraw(old);
    const mark = this.edits.length;
    fn();
    const made = this.edits.slice(mark);
    if (ranks.length > 0) {
      const rank = Math.min(...ranks);
      for (const edit of made) edit.order = rank;
    }
    return made;
  }

  /** The edits in the order they were added. */
  list(): readonly TextEdit[] {
    return this.edits;
  }

  get size(): number {
    return this.edits.length;
  }

  apply(original: string): string {
    let result = "";
    let cursor = 0;
    for (const edit of this.inOrder()) {
      result += original.slice(cursor, edit.start) + edit.text;
      cursor = edit.end;
    }
    return result + original.slice(cursor);
  }

  /**
   * Maps an offset of the text `apply` makes back to the original: kept text to where it was,
   * inserted text to the offset it was inserted at (the place in the original that the edit is about).
   */
  backMap(): (offset: number) => number {
    // Per edit, where its text starts in the output and how far the output is shifted after it.
    const starts: number[] = [];
    const edits: TextEdit[] = [];
    let shift = 0;
    for (const edit of this.inOrder()) {
      starts.push(edit.start + shift);
      edits.push(edit);
      shift += edit.text.length - (edit.end - edit.start);
    }
    return (offset) => {
      let low = 0;
      let high = edits.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (starts[middle]! <= offset) low = middle + 1;
        else high = middle;
      }
      if (low === 0) return offset;
      const edit = edits[low - 1]!;
      const from = starts[low - 1]!;
      if (offset < from + edit.text.length) return edit.start;
      return edit.end + (offset - from - edit.text.length);
    };
  }

  /** The edits `apply` makes, in text order: covered ones dropped, removals that share text merged. */
  private inOrder(): TextEdit[] {
    const covered = this.covered();
    const sorted = this.edits
      .filter((edit) => !covered.has(edit))
      .sort((a, b) => a.start - b.start || a.end - b.end || a.order - b.order);
    const kept: TextEdit[] = [];
    let cursor = 0;
    let deleting = false;
    for (const edit of sorted) {
      const deletion = edit.text === "" && edit.end > edit.start;
      if (edit.start < cursor) {
        // Two removals that share text (a list item and the comma of its neighbour): remove both.
        if (deleting && deletion) {
          const last = kept[kept.length - 1]!;
          kept[kept.length - 1] = { ...last, end: Math.max(last.end, edit.end) };
          cursor = Math.max(cursor, edit.end);
          continue;
        }
        throw new Error(`internal: overlapping edits at offset ${edit.start}`);
      }
      kept.push(edit);
      cursor = edit.end;
      deleting = deletion;
    }
    return kept;
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
