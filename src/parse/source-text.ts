import { LineCounter } from "yaml";
import type { SourcePosition } from "../errors.js";

/**
 * Where a text stackmod made comes from: the text of a later pass of a rewrite (the same-file `extends`
 * inlined, the stack keys fixed) maps each offset back to the file the user wrote (`originIn`); the
 * merged text of a layered stack (`-c A -c B`) maps each of its nodes to the node of the file it comes
 * from (`src/layered/merged-origin.ts`). `position` says where an offset of the made text is in the
 * user's files.
 */
export interface Origin {
  position(offset: number): SourcePosition;
}

/** The origin of a text made from `source`: `back` maps an offset of it to one of `source`. */
export function originIn(source: SourceText, back: (offset: number) => number): Origin {
  return { position: (offset) => source.position(back(offset)) };
}

/** The raw text of one file plus what is needed to write it back the same way. */
export class SourceText {
  /**
   * The text as read, with a line break added at its end when it has none: every edit is then made
   * against lines that all end alike, so that the last one can be removed, replaced or followed by new
   * lines as any other (see `written`). The document is parsed from `read`, what docker reads.
   */
  readonly text: string;
  /** The text exactly as read. */
  readonly read: string;
  readonly file: string;
  readonly eol: "\n" | "\r\n";
  readonly hasBom: boolean;
  readonly lineCounter = new LineCounter();

  /**
   * Set for the text of a later pass of a rewrite: every position is then one in the file the user
   * wrote (an error must point where the user is to edit, in the file they have).
   */
  readonly origin: Origin | undefined;

  constructor(text: string, file: string, origin?: Origin) {
    this.read = text;
    this.origin = origin;
    this.file = file;
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    const firstNewline = text.indexOf("\n");
    this.eol = firstNewline > 0 && text[firstNewline - 1] === "\r" ? "\r\n" : "\n";
    this.text = text === "" || text.endsWith("\n") ? text : text + this.eol;
  }

  /** A text made by editing `text`, ending as the file did: without a final line break when it had none. */
  written(edited: string): string {
    if (this.text === this.read) return edited;
    if (edited.endsWith(this.eol)) return edited.slice(0, -this.eol.length);
    return edited.endsWith("\n") ? edited.slice(0, -1) : edited;
  }

  /** 1-based line and column of an offset; a BOM does not count as a column. */
  position(offset: number): SourcePosition {
    if (this.origin) return this.origin.position(offset);
    const { line, col } = this.lineCounter.linePos(Math.max(0, Math.min(offset, this.read.length)));
    const column = this.hasBom && line === 1 ? Math.max(1, col - 1) : col;
    return { file: this.file, line, column };
  }

  lineStart(offset: number): number {
    return this.text.lastIndexOf("\n", offset - 1) + 1;
  }

  /** Offset just after the newline that ends the line holding `offset` (or the end of text). */
  lineEnd(offset: number): number {
    const newline = this.text.indexOf("\n", offset);
    return newline === -1 ? this.text.length : newline + 1;
  }

  /** Column (0-based, in characters) of `offset` within its line. */
  indentAt(offset: number): number {
    return offset - this.lineStart(offset) - (this.hasBom && this.lineStart(offset) === 0 ? 1 : 0);
  }
}
