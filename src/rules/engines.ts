/**
 * Docker Engine versions, as plain data: which engines stackmod knows, and the
 * ranges in which a rule bites. `audit` and the rules share this module.
 */

/** The newest engine stackmod's rules were checked against (moby tag docker-v29.7.2). */
export const newestEngine = "29.7.2";

/** A range of engines: from `from` (included) until `until` (excluded); either end open. */
export interface EngineRange {
  from?: string;
  until?: string;
}

/** Every engine: a rule of the Compose file format or of the CLI, not of the daemon. */
export const everyEngine: readonly EngineRange[] = [{}];

export interface EngineVersion {
  major: number;
  minor: number;
  patch: number;
  /** As given (`27.5`, `28.0.1`). */
  text: string;
}

const versionPattern = /^v?(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?$/;

/** `27.5`, `28.0.1`, `v29` → the version; anything else → undefined. */
export function parseEngine(text: string): EngineVersion | undefined {
  const match = versionPattern.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2] ?? 0),
    patch: Number(match[3] ?? 0),
    text: text.trim().replace(/^v/, ""),
  };
}

function compareEngines(a: EngineVersion, b: EngineVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function bound(text: string): EngineVersion {
  const version = parseEngine(text);
  if (!version) throw new Error(`internal: engine bound ${text} is not a version`);
  return version;
}

/** Whether `engine` lies in one of `ranges`. */
export function inRanges(engine: EngineVersion, ranges: readonly EngineRange[]): boolean {
  return ranges.some(
    (range) =>
      (range.from === undefined || compareEngines(engine, bound(range.from)) >= 0) &&
      (range.until === undefined || compareEngines(engine, bound(range.until)) < 0),
  );
}

/** The first engine after `engine` from which the ranges bite again, if any. */
export function nextBite(engine: EngineVersion, ranges: readonly EngineRange[]): string | undefined {
  const later = ranges
    .map((range) => range.from)
    .filter((from): from is string => from !== undefined && compareEngines(bound(from), engine) > 0)
    .sort((a, b) => compareEngines(bound(a), bound(b)));
  return later[0];
}

/** `28.0.0 and later`, `up to 25.0.0 (excluded) and from 28.0.0`, `every engine`. */
export function describeRanges(ranges: readonly EngineRange[]): string {
  if (ranges.length === 1 && ranges[0]!.from === undefined && ranges[0]!.until === undefined) return "every engine";
  return ranges
    .map((range) => {
      if (range.from && range.until) return `${range.from} until ${range.until}`;
      if (range.from) return `${range.from} and later`;
      if (range.until) return `before ${range.until}`;
      return "every engine";
    })
    .join("; ");
}
