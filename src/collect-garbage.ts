/** Texts from this length on are worth the full collections below (a stack file is a few KB; the 1,000-service bench file, 300 KB). */
export const hugeText = 1024 * 1024;

/**
 * A full garbage collection, for the points where a huge file's pipeline has just
 * let go of much of what it held. V8 lets its old generation grow to four times
 * what was alive at its last full collection before it collects again
 * (`--trace-gc-verbose`: "factor 4.0"), so a 3 MB file's dead syntax tree and
 * first parse would otherwise still take memory while the next ones are built.
 * Does nothing where the collector cannot be reached.
 */
export function collectGarbage(): void {
  collector ??= findCollector();
  collector();
}

let collector: (() => void) | undefined;

function findCollector(): () => void {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return exposed as () => void;
  // Loaded on first use: node:v8 is milliseconds of a cold start.
  const v8 = process.getBuiltinModule("node:v8");
  try {
    // The flag gives `gc` to the contexts created while it is set: one, here, and it is cleared at once.
    v8.setFlagsFromString("--expose-gc");
    const gc: unknown = process.getBuiltinModule("node:vm").runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : () => undefined;
  } catch {
    return () => undefined;
  } finally {
    v8.setFlagsFromString("--no-expose-gc");
  }
}
