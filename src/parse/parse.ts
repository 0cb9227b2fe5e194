import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from "yaml";
import { StackmodError, type SourcePosition } from "../errors.js";
import { indexAliases } from "./aliases.js";
import { composeDocuments, NestingTooDeep, SyntaxErrorSeen } from "./compose.js";
import { dockerScalarTags } from "./docker-scalars.js";
import { Resolver } from "./resolve.js";
import { SourceText, type Origin } from "./source-text.js";
import { explainSyntaxError } from "./syntax-messages.js";
import { walkDocument } from "./walk.js";

export interface ParseLimits {
  /** Largest input accepted, in characters of text (default 5 MiB; `--max-bytes`). */
  maxBytes: number;
  /**
   * Alias expansions allowed while reading, counted as yaml counts them (uses of an
   * anchor × the aliases nested in it). yaml's own default, 100, refuses a file that
   * merges one `<<: *defaults` into more than 100 services; 10,000 lets such files
   * through while a billion-laughs file (9 levels of 9 aliases) is refused at once.
   */
  maxAliasCount: number;
  /** Deepest nesting of mappings and lists (default 100; real stack files stay under 15). */
  maxDepth: number;
}

export const defaultLimits: ParseLimits = { maxBytes: 5 * 1024 * 1024, maxAliasCount: 10_000, maxDepth: 100 };

export interface ParsedFile {
  source: SourceText;
  doc: Document.Parsed;
  root: YAMLMap;
  /** The plain data, aliases and merges resolved, within the alias limit. */
  data: unknown;
  /** What each alias refers to (the last node before it with its anchor). */
  aliases: ReadonlyMap<Alias, Node | undefined>;
  /** Every node that carries an anchor, in document order. */
  anchored: readonly Node[];
  /** The document's one resolver: every stage reads through it, so each mapping is read once. */
  resolver: Resolver;
  /** The first key docker's YAML reader reads as no string (docker refuses the file; `validateFile` says where). */
  nonStringKey: Node | undefined;
  /** The alias limit the file was read with, for later reads of parts of it (`--max-aliases`). */
  maxAliasCount: number;
}

/** `schema` and `customTags` given, so that a `%YAML 1.1` directive cannot switch yaml to its 1.1 schema. */
const parseOptions = {
  merge: true,
  uniqueKeys: false,
  prettyErrors: false,
  strict: true,
  schema: "core",
  customTags: dockerScalarTags,
} as const;

/** Parses one stack file; every problem becomes one StackmodError with its position. */
export function parseStackFile(
  text: string,
  file: string,
  limits: ParseLimits = defaultLimits,
  origin?: Origin,
): ParsedFile {
  const before = (offset: number) => positionBeforeParse(text, file, offset);
  if (text.length > limits.maxBytes) {
    throw new StackmodError(
      "FILE_TOO_LARGE",
      `the file is ${text.length} bytes, over the limit of ${limits.maxBytes}; if it is a genuine stack ` +
        `file, raise the limit with --max-bytes ${text.length}`,
      before(0),
    );
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    throw new StackmodError(
      "BINARY_INPUT",
      "the file holds binary data (a NUL byte), not YAML text; is this the right file?",
      before(nul),
    );
  }
  const breaker = /[\u0085\u2028\u2029]/.exec(text);
  if (breaker) {
    const name = { "\u0085": "NEXT LINE (NEL, U+0085)", "\u2028": "LINE SEPARATOR (U+2028)" }[breaker[0]];
    throw new StackmodError(
      "YAML_SYNTAX",
      `the file holds a ${name ?? "PARAGRAPH SEPARATOR (U+2029)"} here, which docker's YAML parser (go-yaml, ` +
        "YAML 1.1) reads as a line break and YAML 1.2 (stackmod's) does not, so the two would read different " +
        "files; replace it with a newline or remove it",
      before(breaker.index),
    );
  }
  const source = new SourceText(text, file, origin);
  let docs: Document.Parsed[];
  try {
    // yaml's own duplicate-key check is quadratic (each key against every earlier one): ours is linear.
    docs = composeDocuments(text, parseOptions, source.lineCounter, undefined, limits.maxDepth, true);
  } catch (error) {
    if (error instanceof NestingTooDeep)
      throw tooDeep(limits, source.position(deepestBefore(text, error.offset, limits)));
    if (error instanceof RangeError) throw tooDeep(limits, before(0));
    if (!(error instanceof SyntaxErrorSeen)) throw error;
    // The text up to where the parser stopped holds the first error: composed, it says what and where.
    const counter = new SourceText("", "").lineCounter;
    docs = composeDocuments(text.slice(0, error.offset), parseOptions, counter, false, limits.maxDepth);
    // Never a model of part of the file: without the error there, stackmod fails closed (INTERNAL, nothing written).
    if (!docs.some((doc) => doc.errors.length > 0)) throw internalStop(error.offset);
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (docs.length > 1) {
    const second = docs[1]!;
    throw new StackmodError(
      "YAML_MULTIPLE_DOCUMENTS",
      "the file holds several YAML documents (---); a stack file is one document: split it into separate " +
        "files and pass them with -c",
      source.position(second.range[0]),
    );
  }
  const doc = docs[0];
  // One walk for every check below and for the readers of the model (aliases, anchors).
  const walked = doc ? walkDocument(doc) : undefined;
  const duplicate = walked?.duplicateKey;
  const problem = doc?.errors[0];
  const keyAt = (offset: number) =>
    /^("[^"\r\n]*"|'[^'\r\n]*'|[^\s:#][^:#\r\n]*?)\s*:/.exec(text.slice(offset, offset + 1024))?.[1] ?? "";
  if (duplicate !== undefined && (!problem || duplicate < problem.pos[0])) {
    throw new StackmodError(...syntaxError("DUPLICATE_KEY", keyAt(duplicate)), source.position(duplicate));
  }
  if (problem) {
    if (/call stack/i.test(problem.message))
      throw tooDeep(limits, source.position(overflowOffset(text, limits.maxDepth)));
    const key = keyAt(problem.pos[0]);
    if (problem.code === "DUPLICATE_KEY" || problem.code === "TAB_AS_INDENT")
      throw new StackmodError(...syntaxError(problem.code, key), source.position(problem.pos[0]));
    const explained = explainSyntaxError(problem.code, firstLine(problem.message), problem.pos[0], text);
    throw new StackmodError("YAML_SYNTAX", explained.message, source.position(explained.offset));
  }
  if (!doc || doc.contents === null) {
    throw new StackmodError(
      "NOT_A_MAPPING",
      "the file is empty (or only comments); a stack file needs at least `services:`",
      before(0),
    );
  }
  if (!isMap(doc.contents)) {
    throw new StackmodError(
      "NOT_A_MAPPING",
      `the top level is a ${describeNode(doc.contents)}, but a stack file must be a mapping with \`services:\``,
      source.position(doc.contents.range?.[0] ?? 0),
    );
  }
  const walk = walked!;
  if (walk.depth > limits.maxDepth) {
    const deepest = deepestNode(doc.contents, limits.maxDepth);
    throw tooDeep(limits, source.position(deepest?.range?.[0] ?? 0));
  }
  if (walk.inexactInteger) throw inexactInteger(walk.inexactInteger, source);
  if (walk.collectionKey) throw collectionKey(walk.collectionKey, source);
  // The index first: yaml's own Alias.resolve searches the whole document for each alias.
  indexAliases(walk.aliases);
  checkMergeValues(walk.mergePairs, doc, source);
  return {
    source,
    doc,
    root: doc.contents,
    data: plainData(doc, limits, source, walk.nonStringKey !== undefined),
    aliases: walk.aliases,
    anchored: walk.anchored,
    resolver: new Resolver(doc, walk.aliases),
    nonStringKey: walk.nonStringKey,
    maxAliasCount: limits.maxAliasCount,
  };
}

/**
 * An integer literal beyond 2^53 reads as a JavaScript number that is not it
 * (`9007199254740993` becomes ...992), so text a strategy copies from it (split's
 * collector) would say another number than the file: refused at the value.
 */
function internalStop(offset: number): Error {
  return new Error(`internal: the parser stopped at offset ${offset} for an error its text does not hold`);
}

/** docker/cli v28.2.2 reads the file with go-yaml v3 into map[string]interface{}: "yaml: invalid map key". */
function collectionKey(node: Node, source: SourceText): StackmodError {
  return new StackmodError(
    "WRONG_TYPE",
    "this key is a list or a mapping, which docker's YAML reader refuses (invalid map key); write the key as " +
      "a string (quote it)",
    source.position(node.range?.[0] ?? 0),
  );
}

function inexactInteger(node: Node, source: SourceText): StackmodError {
  const literal = (node as { source?: string }).source;
  return new StackmodError(
    "WRONG_TYPE",
    `the integer ${literal} is larger than stackmod can copy exactly (2^53); quote it ("${literal}") if it ` +
      "is a string, which is what docker passes on anyway",
    source.position(node.range?.[0] ?? 0),
  );
}

/**
 * A merge key takes a mapping, an alias of one, or a list of those; yaml throws a
 * bare Error at anything else (`<<: 5`), docker refuses it ("map merge requires map
 * or sequence of maps as the value"): said here, at the value.
 */
function checkMergeValues(pairs: readonly Pair[], doc: Document.Parsed, source: SourceText): void {
  const isMapping = (node: unknown): boolean => {
    if (isMap(node)) return true;
    if (!isAlias(node)) return false;
    const target = node.resolve(doc);
    return isMap(target);
  };
  for (const pair of pairs) {
    const key = pair.key;
    if (!isScalar(key) || (key.value !== "<<" && typeof key.value !== "symbol")) continue;
    if (key.value === "<<" && key.tag !== undefined && key.tag !== "tag:yaml.org,2002:merge") continue;
    const value = pair.value;
    if (isMapping(value) || (isSeq(value) && value.items.every(isMapping))) continue;
    const node = (value ?? key) as { range?: [number, number, number] | null };
    throw new StackmodError(
      "WRONG_TYPE",
      "the merge key `<<` takes a mapping, an alias of one (`<<: *defaults`) or a list of them, but this is not one;" +
        ' docker refuses it too ("map merge requires map or sequence of maps as the value")',
      source.position(node.range?.[0] ?? 0),
    );
  }
}

function syntaxError(code: string, text: string): ["YAML_SYNTAX" | "YAML_DUPLICATE_KEY", string] {
  if (code === "DUPLICATE_KEY") {
    const key = text.startsWith('"') || text.startsWith("'") ? text : JSON.stringify(text);
    return [
      "YAML_DUPLICATE_KEY",
      `the key ${key} appears twice in the same mapping (YAML forbids it, and docker refuses such a file); ` +
        "keep one of them",
    ];
  }
  return ["YAML_SYNTAX", "a tab is used for indentation; YAML allows only spaces there: replace the tabs with spaces"];
}

function tooDeep(limits: ParseLimits, where: SourcePosition): StackmodError {
  return new StackmodError(
    "YAML_TOO_DEEP",
    `mappings and lists are nested more than ${limits.maxDepth} levels deep (a nesting bomb?); a stack file ` +
      "never needs that, check where this file comes from",
    where,
  );
}

/**
 * Where a nesting bomb first goes past the limit: the text up to where the parser
 * stopped holds at most twice the limit, so it is composed (errors and all) and its
 * deepest node is the one a complete parse would have found.
 */
function deepestBefore(text: string, stop: number, limits: ParseLimits): number {
  const counter = new SourceText("", "").lineCounter;
  const [doc] = composeDocuments(text.slice(0, stop), parseOptions, counter, false, 2 * limits.maxDepth + 1);
  const root = doc?.contents;
  const deepest = isMap(root) ? deepestNode(root, limits.maxDepth) : undefined;
  return deepest?.range?.[0] ?? stop;
}

/** The first node deeper than `max` levels, walked without recursion so that depth cannot overflow the stack. */
function deepestNode(root: YAMLMap, max: number): { range?: [number, number, number] | null } | undefined {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (isPair(node)) {
      stack.push([node.key, depth], [node.value, depth]);
    } else if (isCollection(node)) {
      if (depth > max) return node;
      for (const item of node.items) stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

/**
 * With a key that is no string (a timestamp is a Date), yaml's toJS makes the key a string and says so through
 * process.emitWarning, on stderr; the file is refused at that key (`validateFile`), so that data is never used.
 */
function plainData(doc: Document.Parsed, limits: ParseLimits, source: SourceText, nonStringKey: boolean): unknown {
  if (nonStringKey) doc.options.logLevel = "error";
  try {
    return doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    if (error instanceof ReferenceError && /excessive alias/i.test(error.message)) {
      throw new StackmodError(
        "YAML_ALIAS_LIMIT",
        `aliases expand to more than ${limits.maxAliasCount} nodes (an alias bomb?); if the file is genuine, ` +
          "raise the limit with --max-aliases",
        source.position(firstAlias(doc)?.range?.[0] ?? 0),
      );
    }
    if (error instanceof ReferenceError && /unresolved alias/i.test(error.message)) {
      const name = /: (\S+)$/.exec(error.message)?.[1] ?? "";
      throw new StackmodError(
        "YAML_SYNTAX",
        `the alias *${name} has no anchor &${name} before it; define the anchor (\`&${name}\`) above its first use`,
        source.position(firstAlias(doc, name)?.range?.[0] ?? 0),
      );
    }
    if (error instanceof RangeError) throw tooDeep(limits, source.position(0));
    throw error;
  }
}

function firstAlias(doc: Document.Parsed, name?: string): { range?: [number, number, number] | null } | undefined {
  let found: { range?: [number, number, number] | null } | undefined;
  visit(doc, {
    Alias(_, node) {
      if (name !== undefined && node.source !== name) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Where a file too deep for the parser's own stack goes past the limit, found
 * without parsing: the first flow bracket nested past it, else the first line
 * indented past it (every block level takes at least one column).
 */
function overflowOffset(text: string, max: number): number {
  let depth = 0;
  let quote = "";
  for (let offset = 0; offset < text.length; offset += 1) {
    const char = text[offset]!;
    if (quote) {
      if (char === quote) quote = "";
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "{") {
      depth += 1;
      if (depth > max) return offset;
    } else if (char === "]" || char === "}") depth -= 1;
  }
  const deepLine = new RegExp(`^ {${max + 1},}\\S`, "m").exec(text);
  return deepLine ? deepLine.index + max + 1 : 0;
}

/** Line and column before the parser has counted lines (limits and binary checks come first). */
function positionBeforeParse(text: string, file: string, offset: number): SourcePosition {
  const head = text.slice(0, offset);
  const lineStart = head.lastIndexOf("\n") + 1;
  const bom = lineStart === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return { file, line: head.split("\n").length, column: Math.max(1, offset - lineStart - bom + 1) };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function describeNode(node: unknown): string {
  if (isSeq(node)) return "list";
  if (isScalar(node)) return "scalar";
  return isAlias(node) ? "alias" : "node";
}
