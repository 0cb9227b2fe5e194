import { Composer, Parser, type CST, type Document, type DocumentOptions, type LineCounter, type ParseOptions, type SchemaOptions } from "yaml";
import { collectGarbage, hugeText } from "../collect-garbage.js";

export type ComposeOptions = ParseOptions & DocumentOptions & SchemaOptions;

/**
 * yaml's `parseAllDocuments` (pretty errors aside), holding less at its peak. yaml
 * builds a document's whole syntax tree before it composes the nodes from it, so
 * at the end both are alive: for a 3 MB stack file, 110 MiB of tree beside 60 MiB
 * of nodes. Here the items of the top-level block mapping and of the block
 * collections right under it (`services:` is almost all of a file) are dropped as
 * soon as the composer has read them. On a huge text, what was dropped is collected
 * a third of the way through and at the end (V8 alone would wait until its heap had
 * grown fourfold): the tree is about twice the size of the nodes, so the peaks
 * before and after the first collection come out about even.
 */
export function composeDocuments(text: string, options: ComposeOptions, lineCounter: LineCounter): Document.Parsed[] {
  const huge = text.length >= hugeText;
  let collectAt = huge ? text.length / 3 : Infinity;
  const reached = (offset: number) => {
    if (offset < collectAt) return;
    collectAt = Infinity;
    collectGarbage();
  };
  const tokens = new Parser(lineCounter.addNewLine).parse(text);
  const docs = Array.from(new Composer(options).compose(releasing(tokens, reached))) as Document.Parsed[];
  if (huge) collectGarbage();
  return docs;
}

/** The parser's tokens, each document's top two levels of block collections made to let go of their items as they are read. */
export function* releasing(tokens: Iterable<CST.Token>, reached: (offset: number) => void = () => undefined): Generator<CST.Token> {
  for (const token of tokens) {
    if (token.type === "document" && token.value?.type === "block-map") {
      for (const item of token.value.items) {
        if (item.value?.type === "block-map" || item.value?.type === "block-seq") release(item.value, reached);
      }
      release(token.value, reached);
    }
    yield token;
  }
}

type Item = CST.BlockMap["items"][number] | CST.BlockSequence["items"][number];

function release(collection: CST.BlockMap | CST.BlockSequence, reached: (offset: number) => void): void {
  const items = new ReleasingItems();
  items.reached = reached;
  for (const item of collection.items) items.push(item);
  collection.items = items as typeof collection.items;
}

/**
 * Items that are cleared as they are iterated, since yaml's composer reads a block
 * collection in one `for...of`. A subclass, because an own `Symbol.iterator` on an
 * array would switch off V8's fast iteration of every array in the process.
 */
class ReleasingItems extends Array<Item | undefined> {
  reached: (offset: number) => void = () => undefined;

  override *[Symbol.iterator](): ArrayIterator<Item | undefined> {
    for (let index = 0; index < this.length; index += 1) {
      const item = this[index];
      this[index] = undefined;
      if (item) this.reached(offsetOf(item));
      yield item;
    }
  }
}

function offsetOf(item: Item): number {
  return item.start[0]?.offset ?? ("key" in item ? item.key?.offset : undefined) ?? item.value?.offset ?? 0;
}
