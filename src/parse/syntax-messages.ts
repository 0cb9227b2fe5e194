import { CST, Parser } from "yaml";

/** A YAML syntax error as a person reads it: where to edit, and what to do there. */
export interface SyntaxProblem {
  message: string;
  offset: number;
}

const closers: Record<string, string> = { "[": "]", "{": "}" };

/**
 * yaml reports some errors where it gave up, not where the mistake is: an unclosed `[` at
 * the end of the file (a line the file may not even have), an unclosed quote at the next
 * key. These point at the opening bracket or quote instead, as PyYAML does ("while parsing
 * a flow sequence ... expected ',' or ']'"), with a sentence that says what to do.
 */
export function explainSyntaxError(code: string, message: string, offset: number, text: string): SyntaxProblem {
  if (/^Flow (sequence|map) in block collection/.test(message)) {
    const open = unclosedFlow(text);
    if (open !== undefined) {
      const kind = text[open] === "[" ? "flow sequence (a list in [ ])" : "flow mapping (a mapping in { })";
      const close = closers[text[open]!]!;
      return {
        offset: open,
        message:
          `this \`${text[open]}\` opens a ${kind} that is never closed: add the \`${close}\` where it ends ` +
          "(after its last item, on the same line or an indented one)",
      };
    }
    const collection = message.includes("sequence") ? "sequence" : "mapping";
    return {
      offset,
      message:
        `a line of this flow ${collection} is indented less than the key it belongs to: indent it more, ` +
        "or write the collection on one line",
    };
  }
  if (code === "MISSING_CHAR" && /^Missing closing (["'])quote/.test(message)) {
    const open = unclosedQuote(text);
    const quote = message.includes('"quote') ? '"' : "'";
    return {
      offset: open ?? offset,
      message:
        `this \`${quote}\` opens a quoted string that is never closed: add the closing \`${quote}\` where the ` +
        "value ends",
    };
  }
  if (code === "BAD_INDENT" && /All mapping items must start at the same column/.test(message)) {
    // yaml points at the start of the line; the key is what to move.
    const key = offset + (/^[ ]*/.exec(text.slice(offset))?.[0].length ?? 0);
    return {
      offset: key,
      message: "this key is not indented like the keys before it: indent it to the same column as them",
    };
  }
  if (code === "BLOCK_AS_IMPLICIT_KEY" && /Nested mappings are not allowed in compact mappings/.test(message)) {
    return {
      offset,
      message:
        'this value holds ": " (a colon and a space), which YAML reads as the start of another mapping: ' +
        'quote the whole value ("...")',
    };
  }
  if (code === "BLOCK_AS_IMPLICIT_KEY" && /block sequence may not be used as an implicit map key/.test(message)) {
    return {
      offset: offset + (/^[ ]*/.exec(text.slice(offset))?.[0].length ?? 0),
      message:
        "a list item (`- `) where a key was expected: indent it under the key it belongs to, or put it at " +
        "the column of that key's other items",
    };
  }
  if (code === "MULTILINE_IMPLICIT_KEY")
    return { offset, message: "a key without its `:` (or one that runs onto the next line): add `:` after the key" };
  if (code === "UNEXPECTED_TOKEN" && /flow-(seq|map)-end/.test(message)) {
    const bracket = message.includes("seq") ? "]" : "}";
    return { offset, message: `this \`${bracket}\` closes nothing: remove it, or add the opening bracket it closes` };
  }
  return { offset, message: `${message}; fix the YAML syntax here` };
}

/** The offset of the first `[` or `{` whose collection has no closing bracket, from yaml's own syntax tree. */
function unclosedFlow(text: string): number | undefined {
  let found: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document") continue;
    if (token.value?.type === "flow-collection") found = firstUnclosed(token.value);
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (found !== undefined || !node || node.type !== "flow-collection") continue;
        found = firstUnclosed(node);
      }
      return found === undefined ? undefined : CST.visit.BREAK;
    });
    if (found !== undefined) break;
  }
  return found;
}

function firstUnclosed(collection: CST.FlowCollection): number | undefined {
  // An inner collection left open leaves the outer one open too: the innermost is where to edit.
  for (const item of collection.items) {
    for (const node of [item.key, item.value]) {
      if (node?.type === "flow-collection") {
        const inner = firstUnclosed(node);
        if (inner !== undefined) return inner;
      }
    }
  }
  const close = closers[collection.start.source];
  return collection.end.some((token) => token.source === close) ? undefined : collection.start.offset;
}

/** The offset of a quoted scalar that swallowed the rest of the file (its source does not end with its quote). */
function unclosedQuote(text: string): number | undefined {
  let found: number | undefined;
  for (const token of new Parser().parse(text)) {
    if (token.type !== "document") continue;
    CST.visit(token, (item) => {
      for (const node of [item.key, item.value]) {
        if (found !== undefined || !node) continue;
        if (node.type !== "double-quoted-scalar" && node.type !== "single-quoted-scalar") continue;
        const quote = node.source[0]!;
        const body = node.source.slice(1);
        const closed = quote === '"' ? /(^|[^\\])(\\\\)*"$/.test(body.trimEnd()) : /'$/.test(body.trimEnd());
        if (!closed || body.trimEnd() === "") found = node.offset;
      }
      return found === undefined ? undefined : CST.visit.BREAK;
    });
    if (found !== undefined) break;
  }
  return found;
}
