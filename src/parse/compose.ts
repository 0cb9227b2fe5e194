import {
  Composer,
  Lexer,
  Parser,
  type CST,
  type Document,
  type DocumentOptions,
  type LineCounter,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";

/** Texts from this length on are huge (a stack file is a few KB; the 1,000-service bench file, 300 KB). */
export const hugeText = 1024 * 1024;

export type ComposeOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * yaml's `parseAllDocuments` (pretty errors aside), holding less at its peak. yaml
 * builds a document's whole syntax tree before it composes the nodes from it, so at
 * the end both are alive, the tree the larger (bench/README.md, "Parse memory").
 * Here the items of the top-level block mapping and of the block collections right
 * under it (`services:` is almost all of a file) are let go as soon as the composer
 * has read them, so that a collection while it composes can free them (texts of
 * 1 MiB or more).
 */
export function composeDocuments(
  text: string,
  options: ComposeOptions,
  lineCounter: LineCounter,
  // A typical file gains nothing from letting go and pays for the generators: by default only huge ones do.
  letGo = text.length >= hugeText,
  maxDepth = Infinity,
  stopAtError = false,
): Document.Parsed[] {
  const tokens = boundedParse(text, lineCounter, maxDepth, stopAtError);
  return Array.from(new Composer(options).compose(letGo ? releasing(tokens) : tokens)) as Document.Parsed[];
}

/** Thrown while parsing when the parser holds more than the allowed nesting; `offset` is where it went past. */
export class NestingTooDeep extends Error {
  constructor(readonly offset: number) {
    super(`nesting too deep at offset ${offset}`);
  }
}

/**
 * Thrown while parsing when the parser holds a syntax error in the nodes it has open: the document is refused
 * at its first error anyway, and yaml's parser goes on after it, so that 5 MB of `x: - - - ...` on one line
 * (one error, then millions of items) would take seconds and gigabytes to reach the same verdict.
 * `offset` is where the parser was: the text before it holds the error.
 */
export class SyntaxErrorSeen extends Error {
  constructor(readonly offset: number) {
    super(`syntax error before offset ${offset}`);
  }
}

/** How many lexemes pass between two looks for an error in the open nodes: a look costs as much as the depth. */
const errorLookEvery = 4096;

/**
 * yaml's `Parser.parse`, stopped once the parser holds twice `maxDepth` open nodes.
 * The parser keeps one object per open level, so 5 MB of `[` (or of `- `) would
 * hold millions of them and exhaust the heap long before the depth check on the
 * composed document could run. Twice, so that a file just past the limit is still
 * composed and its deepest node found exactly; a bomb stops within a few hundred bytes.
 * With `stopAtError`, it also stops once an open node holds a syntax error (SyntaxErrorSeen).
 */
function* boundedParse(
  text: string,
  lineCounter: LineCounter,
  maxDepth: number,
  stopAtError: boolean,
): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  const limit = 2 * maxDepth;
  lineCounter.addNewLine(0);
  let sinceLook = 0;
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    if (parser.stack.length > limit) throw new NestingTooDeep(parser.offset);
    if (!stopAtError || ++sinceLook < errorLookEvery) continue;
    sinceLook = 0;
    if (parser.stack.some(holdsError)) throw new SyntaxErrorSeen(parser.offset);
  }
  yield* parser.end();
}

/** An open node whose last two items (or its own start) hold an error token: where yaml's parser leaves one. */
function holdsError(token: CST.Token): boolean {
  const isError = (part: CST.Token | undefined | null) => part?.type === "error";
  const anyError = (parts: readonly CST.SourceToken[] | undefined) => parts?.some(isError) ?? false;
  if (token.type === "document") return anyError(token.start) || isError(token.value);
  if (!("items" in token)) return false;
  return token.items
    .slice(-2)
    .some((item) => anyError(item.start) || isError(item.key) || anyError(item.sep) || isError(item.value));
}

/**
 * The parser's tokens, each document's top two levels of block collections made to let go of their items as they are
 * read.
 */
export function* releasing(tokens: Iterable<CST.Token>): Generator<CST.Token> {
  for (const token of tokens) {
    if (token.type === "document" && token.value?.type === "block-map") {
      for (const item of token.value.items) {
        if (item.value?.type === "block-map" || item.value?.type === "block-seq") release(item.value);
      }
      release(token.value);
    }
    yield token;
  }
}

type Item = CST.BlockMap["items"][number] | CST.BlockSequence["items"][number];

function release(collection: CST.BlockMap | CST.BlockSequence): void {
  const items = new ReleasingItems();
  for (const item of collection.items) items.push(item);
  collection.items = items as typeof collection.items;
}

/**
 * Items that are cleared as they are iterated: yaml's composer reads a block
 * collection in one `for...of`. A subclass, because an own `Symbol.iterator` on an
 * array would switch off V8's fast iteration of every array in the process.
 */
class ReleasingItems extends Array<Item | undefined> {
  override *[Symbol.iterator](): ArrayIterator<Item | undefined> {
    for (let index = 0; index < this.length; index += 1) {
      const item = this[index];
      this[index] = undefined;
      yield item;
    }
  }
}
