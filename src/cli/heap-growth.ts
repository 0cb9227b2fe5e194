import { hugeText } from "../parse/compose.js";

export { hugeText };

/**
 * By default V8 lets its old generation grow to four times what was alive at its
 * last full collection before it collects again (`--trace-gc-verbose`: "factor
 * 4.0"). On a huge stack file that last collection comes while the syntax tree is
 * half built, so the dead tree, then the input's dead document and model, stay in
 * memory while the next parse is built. Growing by 20% keeps the heap near what is
 * alive for a little more time spent collecting; more lets the peak climb back, less
 * collects more for little gain (the figures: bench/README.md, "Heap growth").
 */
const percent = 20;
let depth = 0;

/**
 * Runs `work`, the pipeline over one text, with V8's heap growing by at most 20%
 * between full collections when the text is huge, then gives V8 back its own choice.
 * `--heap-growing-percent` is V8's flag, read at each full collection; given on the
 * command line, it is left alone.
 */
export function withSlowHeapGrowth<T>(textLength: number, work: () => T): T {
  if (textLength < hugeText || process.execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg)))
    return work();
  // Loaded on first use: node:v8 is milliseconds of a cold start.
  const v8 = process.getBuiltinModule("node:v8");
  if (depth++ === 0) v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
  try {
    return work();
  } finally {
    if (--depth === 0) v8.setFlagsFromString("--heap-growing-percent=0");
  }
}
