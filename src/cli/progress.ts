/** Files in one run from which a terminal shows a progress line. */
export const progressThreshold = 20;

/**
 * `[12/340] path` on one line of standard error, redrawn in place; only on a
 * terminal and only for long batches. Anything else written to the terminal
 * clears it first, so it never mixes into real output.
 */
export class Progress {
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly total: number,
    private readonly enabled: boolean,
  ) {}

  static for(write: (text: string) => void, total: number, isTerminal: boolean, quiet: boolean): Progress {
    return new Progress(write, total, isTerminal && !quiet && total >= progressThreshold);
  }

  update(index: number, file: string): void {
    if (!this.enabled) return;
    this.write(`\r\x1b[K[${index + 1}/${this.total}] ${file}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.write("\r\x1b[K");
    this.shown = false;
  }
}
