import { isMap, parseAllDocuments, type Document, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import { SourceText } from "../text/source-text.js";

export interface ParseLimits {
  /** Largest input accepted, in bytes of UTF-16 text length (default 5 MiB). */
  maxBytes: number;
  /** Alias expansions allowed while reading (default 10,000, generous for heavy `<<` use). */
  maxAliasCount: number;
}

export const defaultLimits: ParseLimits = { maxBytes: 5 * 1024 * 1024, maxAliasCount: 10_000 };

export interface ParsedFile {
  source: SourceText;
  doc: Document.Parsed;
  root: YAMLMap;
}

const parseOptions = { merge: true, uniqueKeys: true, prettyErrors: false, strict: true } as const;

/** Parses one stack file; every problem becomes one StackmodError with its position. */
export function parseStackFile(text: string, file: string, limits: ParseLimits = defaultLimits): ParsedFile {
  const source = new SourceText(text, file);
  const start = source.position(0);
  if (text.length > limits.maxBytes) {
    throw new StackmodError(
      "FILE_TOO_LARGE",
      `file is ${text.length} bytes, over the limit of ${limits.maxBytes}; raise it with --max-bytes if the file is genuine`,
      start,
    );
  }
  const nul = text.indexOf("\0");
  if (nul !== -1) {
    throw new StackmodError("BINARY_INPUT", "file holds binary data (a NUL byte), not YAML text", source.position(nul));
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...parseOptions, lineCounter: source.lineCounter }) as Document.Parsed[];
  } catch (error) {
    if (error instanceof RangeError) {
      throw new StackmodError("YAML_TOO_DEEP", "YAML nesting is too deep to read safely", start);
    }
    throw error;
  }
  if (!Array.isArray(docs)) docs = [docs];
  if (docs.length > 1) {
    const second = docs[1]!;
    throw new StackmodError(
      "YAML_MULTIPLE_DOCUMENTS",
      "file holds several YAML documents (---); a stack file is one document: split it into separate files",
      source.position(second.range[0]),
    );
  }
  const doc = docs[0];
  const problem = doc?.errors[0];
  if (problem) {
    const code = problem.code === "DUPLICATE_KEY" ? "YAML_DUPLICATE_KEY" : "YAML_SYNTAX";
    const hint = code === "YAML_DUPLICATE_KEY" ? "; keep one of them" : "";
    throw new StackmodError(code, firstLine(problem.message) + hint, source.position(problem.pos[0]));
  }
  if (!doc || doc.contents === null) {
    throw new StackmodError("NOT_A_MAPPING", "file is empty; a stack file needs at least `services:`", start);
  }
  if (!isMap(doc.contents)) {
    const kind = (doc.contents as { constructor: { name: string } }).constructor.name;
    throw new StackmodError(
      "NOT_A_MAPPING",
      `the top level is a ${describeNode(kind)}, but a stack file must be a mapping with \`services:\``,
      source.position(doc.contents.range?.[0] ?? 0),
    );
  }
  return { source, doc, root: doc.contents };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function describeNode(className: string): string {
  if (className === "YAMLSeq") return "list";
  if (className === "Scalar") return "scalar";
  return className;
}
