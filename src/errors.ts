/** Where something is in a file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export type ErrorCode =
  | "YAML_SYNTAX"
  | "YAML_DUPLICATE_KEY"
  | "DUPLICATE_ITEM"
  | "YAML_MULTIPLE_DOCUMENTS"
  | "YAML_ALIAS_LIMIT"
  | "YAML_TOO_DEEP"
  | "NOT_A_MAPPING"
  | "WRONG_TYPE"
  | "INVALID_NAME"
  | "INVALID_PORT"
  | "UNDECLARED_NETWORK"
  | "FILE_TOO_LARGE"
  | "BINARY_INPUT"
  | "INTERPOLATION"
  | "BAD_OPTION"
  | "NO_PORT"
  | "UNDECIDED"
  | "NAME_COLLISION"
  | "PORT_COLLISION"
  | "UNSUPPORTED"
  | "READ_FAILED"
  | "NO_STACK_FILES"
  | "WRITE_FAILED"
  | "INTERNAL"
  | "USAGE";

/**
 * The only error the library throws on purpose. It always says where (file, line,
 * column) and what to do; `code` is stable for scripts.
 */
export class StackmodError extends Error {
  override readonly name = "StackmodError";
  readonly code: ErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;

  constructor(code: ErrorCode, message: string, where: SourcePosition) {
    super(message);
    this.code = code;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
  }

  /** `file:line:column: message`, the way compilers print. */
  format(): string {
    return `${this.file}:${this.line}:${this.column}: error ${this.code}: ${this.message}`;
  }
}

export function isStackmodError(value: unknown): value is StackmodError {
  return value instanceof StackmodError;
}

/**
 * What stackmod's own bug becomes, so the library throws nothing but StackmodError and the
 * CLI goes on with the other files: INTERNAL, at the file's start, nothing written.
 */
export function internalError(file: string, error: unknown): StackmodError {
  if (error instanceof StackmodError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new StackmodError(
    "INTERNAL",
    `stackmod failed unexpectedly (${text}); nothing was written for this file. Please report it with the file`,
    { file, line: 1, column: 1 },
  );
}

/** An error in how stackmod was called (a flag's value): reported at `<command line>`. */
export function usageError(message: string): StackmodError {
  return new StackmodError("USAGE", message, { file: "<command line>", line: 1, column: 1 });
}
