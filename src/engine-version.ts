/**
 * Docker Engine versions as engines print them (`20.10.24+dfsg1`, `28.0.1`, `v29.1.0-rc.2`) and as users
 * give them (`28`, `27.5`): parsed, compared, and matched against the ranges where a rule bites.
 */
export interface EngineVersion {
  major: number;
  minor: number;
  patch: number;
  /** The text it was read from. */
  text: string;
}

const pattern = /^v?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,4}))?(?:[-+~][0-9A-Za-z.+~-]*)?$/;

/** The version in `text`, or undefined when it is not one; missing parts are 0 (`28` is 28.0.0). */
export function parseEngineVersion(text: string): EngineVersion | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  const [, major = "0", minor = "0", patch = "0"] = match;
  return { major: Number(major), minor: Number(minor), patch: Number(patch), text: text.trim() };
}

export function compareEngineVersions(a: EngineVersion, b: EngineVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** `[from, until)`: either end open when absent. */
export interface EngineRange {
  from?: string;
  until?: string;
}

export function inEngineRange(version: EngineVersion, range: EngineRange): boolean {
  const from = range.from ? parseEngineVersion(range.from) : undefined;
  const until = range.until ? parseEngineVersion(range.until) : undefined;
  if (from && compareEngineVersions(version, from) < 0) return false;
  if (until && compareEngineVersions(version, until) >= 0) return false;
  return true;
}

/** "28.0.0 and later", "before 25.0.0", "25.0.0 to 27.x", for reports. */
export function describeEngineRange(range: EngineRange): string {
  if (range.from && range.until) return `${range.from} up to ${range.until} (excluded)`;
  if (range.from) return `${range.from} and later`;
  if (range.until) return `before ${range.until}`;
  return "every engine";
}
