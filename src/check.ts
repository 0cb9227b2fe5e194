import type { Dialect } from "./model/types.js";
import { internalError } from "./errors.js";
import { loadModel, type LoadOptions } from "./model/load.js";
import { detect, engineFor, type Finding } from "./rules/index.js";
import { readFileOptions } from "./plan/file-options.js";
import type { Note } from "./rewrite.js";

export type CheckOptions = LoadOptions;

export interface CheckResult {
  file: string;
  dialect: Dialect;
  findings: Finding[];
  /** The engine the findings were judged for. */
  engine: string;
  /** Warnings about the file's x-stackmod blocks, the same `rewrite` gives (e.g. one docker stack would refuse). */
  notes: Note[];
}

/**
 * Finds the networking the engine refuses. Pure: reads no file, prints nothing;
 * throws a StackmodError (with file, line, column) for input it cannot read.
 */
export function check(source: string, options: CheckOptions = {}): CheckResult {
  try {
    return checkSource(source, options);
  } catch (error) {
    throw internalError(options.file ?? "<stdin>", error);
  }
}

function checkSource(source: string, options: CheckOptions): CheckResult {
  const model = loadModel(source, options);
  const engine = engineFor(model, options.engine);
  // The x-stackmod blocks are validated as rewrite validates them: a typo fails both.
  const hasOptions = model.options !== undefined || model.services.some((service) => service.options);
  const notes: Note[] = hasOptions
    ? readFileOptions(model).warnings.map((message) => ({ level: "warning", message }))
    : [];
  return { file: model.file, dialect: model.dialect, findings: detect(model, engine), engine: engine.text, notes };
}
