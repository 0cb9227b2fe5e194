/**
 * Why `stackmod audit` could not read the engine: where it tried (the URL, or the file that names it) and what it
 * was told. Printed as one line, exit 2.
 */
export class EngineError extends Error {
  override readonly name = "EngineError";
  constructor(
    /** The engine URL, or the context file, the message is about. */
    readonly where: string,
    message: string,
  ) {
    super(message);
  }

  format(): string {
    return `stackmod audit: ${this.where}: ${this.message}`;
  }
}
