import type { ScalarTag, Tags } from "yaml";

/**
 * Plain scalars read as `docker stack` reads them. docker/cli v28.2.2 parses stack files with
 * gopkg.in/yaml.v3 v3.0.1 (vendor/modules.txt; cli/compose/loader/loader.go, ParseYAML), whose
 * `resolve` (vendor/gopkg.in/yaml.v3/resolve.go) is neither YAML 1.1 nor the 1.2 core schema yaml
 * uses by default: booleans, nulls, `.inf` and `.nan` are as in 1.2 (`yes`, `on`, `1:20` stay strings),
 * but numbers drop every `_`, take Go's prefixes in either case and a sign before them (`0b101`,
 * `0X50`, `+0x50`), a leading 0 makes them octal (`0755` is 493), a literal that is no integer in Go's
 * syntax but looks like a float is one (`08` is 8.0), `2001-12-14` is a timestamp and `!!binary`
 * decodes its base64. The same reading whatever the file's `%YAML` directive says (go-yaml ignores it).
 */
export function dockerScalarTags(tags: Tags): Tags {
  const kept = tags.filter((tag) => {
    const name = (tag as ScalarTag).tag;
    return name !== "tag:yaml.org,2002:int" && name !== "tag:yaml.org,2002:float";
  });
  return [plain, timestamp, integer, float, binary, ...kept];
}

/**
 * go-yaml's resolveTable: only a scalar that starts with a digit or a sign can be a number or a timestamp to
 * it, and `.` starts its floats too.
 */
function numberHint(source: string, dot: boolean): boolean {
  const c = source.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || (dot && c === 0x2e);
}

// The float rule, and the checks after parsing, ask again whether the same text is an integer: the last
// answer is kept so that each scalar is read once.
let lastSource: string | undefined;
let lastInteger: bigint | undefined;

/** The integer go-yaml reads from a plain scalar (`strconv.ParseInt(s, 0, 64)`, then ParseUint), if it reads one. */
export function goInteger(source: string): bigint | undefined {
  if (source === lastSource) return lastInteger;
  const value = numberHint(source, false) ? readInteger(source) : undefined;
  lastSource = source;
  lastInteger = value;
  return value;
}

function readInteger(source: string): bigint | undefined {
  const plain = source.replace(/_/g, "");
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(plain);
  if (!match) return undefined;
  const digits = match[2]!;
  const prefixed = /^0[xXoObB]/.test(digits);
  const magnitude = BigInt(prefixed ? digits.slice(0, 2).toLowerCase() + digits.slice(2) : octalOrDecimal(digits));
  const value = match[1] === "-" ? -magnitude : magnitude;
  const fits = value >= -(2n ** 63n) && value < 2n ** 63n;
  // ParseUint takes no sign: an unsigned 64-bit value only without one.
  const fitsUnsigned = match[1] === "" && value < 2n ** 64n;
  return fits || fitsUnsigned ? value : undefined;
}

/** A leading 0 is Go's octal prefix (`0755`); `0` alone is zero. */
function octalOrDecimal(digits: string): string {
  return digits.length > 1 && digits.startsWith("0") ? `0o${digits.slice(1)}` : digits;
}

/** The float go-yaml reads from a plain scalar that is no integer to it (`08`, `1_0.5`, `1e3`), if it reads one. */
export function goFloat(source: string): number | undefined {
  if (!numberHint(source, true) || goInteger(source) !== undefined) return undefined;
  const text = source.startsWith(".") ? source : source.replace(/_/g, "");
  const pattern = source.startsWith(".")
    ? /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/
    : /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
  if (!pattern.test(text)) return undefined;
  const value = Number(text);
  // strconv.ParseFloat fails out of range (1e400): go-yaml keeps the string.
  return Number.isFinite(value) ? value : undefined;
}

/** go-yaml's infinities and NaN (resolveMap), as YAML 1.2 writes them. */
const infinityOrNaN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

function goSpecialFloat(source: string): number | undefined {
  if (!infinityOrNaN.test(source)) return undefined;
  if (source.slice(-3).toLowerCase() === "nan") return NaN;
  return source.startsWith("-") ? -Infinity : Infinity;
}

/** What go-yaml reads a plain scalar as, if not a string: an integer, a float or a timestamp. */
function goNumberOrTime(source: string): number | Date | undefined {
  const integer = goInteger(source);
  if (integer !== undefined) return Number(integer);
  return goSpecialFloat(source) ?? goFloat(source) ?? goTimestamp(source);
}

/**
 * Every plain scalar go-yaml's resolveTable sends to its number and timestamp rules (a digit, a sign or `.`
 * first) is read by this one tag, whose test is one real pattern; any other goes on to the null and bool tags.
 * A scalar the rules do not read stays a string. The tag's name is stackmod's own: `!!int` and the other
 * explicit tags below are never it.
 */
const plain: ScalarTag = {
  identify: () => false,
  default: true,
  tag: "tag:stackmod.dev,2026:go-yaml-plain",
  test: /^[-+0-9.]/,
  resolve: (source) => goNumberOrTime(source) ?? source,
};

/** go-yaml refuses an explicit tag its rules do not read the text as (resolve.go: "cannot decode"). */
function cannotDecode(source: string, tag: string, onError: (message: string) => void): string {
  onError(`cannot decode \`${source}\` as a !!${tag} (docker refuses it too)`);
  return source;
}

// `default: false`: found by name only (`!!int 0x50`); plain scalars go to `plain`.
const integer: ScalarTag = {
  identify: (value) => typeof value === "number" && Number.isInteger(value),
  default: false,
  tag: "tag:yaml.org,2002:int",
  resolve(source, onError) {
    const value = goInteger(source);
    return value === undefined ? cannotDecode(source, "int", onError) : Number(value);
  },
};

const float: ScalarTag = {
  identify: (value) => typeof value === "number",
  default: false,
  tag: "tag:yaml.org,2002:float",
  resolve(source, onError) {
    // go-yaml makes an integer under `!!float` a float (`!!float 10` is 10.0).
    const integer = goInteger(source);
    if (integer !== undefined) return Number(integer);
    return goSpecialFloat(source) ?? goFloat(source) ?? cannotDecode(source, "float", onError);
  },
};

/**
 * The timestamp layouts go-yaml tries (allowedTimestampFormats): Go's `2006-1-2` takes a month and a
 * day of one or two digits, and time.Parse refuses a date that does not exist (2001-02-30).
 */
const clock = "([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?";
const timestampPattern = new RegExp(
  `^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]${clock}(?:Z|[-+]([0-9]{2}):([0-9]{2}))| ${clock})?$`,
);

function goTimestamp(source: string): Date | undefined {
  // The shortest layout is `2006-1-2`: four digits, then a dash.
  if (source.length < 8 || source.charCodeAt(4) !== 0x2d || !numberHint(source, false)) return undefined;
  const match = timestampPattern.exec(source);
  if (!match) return undefined;
  const [year, month, day] = [1, 2, 3].map((index) => Number(match[index]));
  const hour = Number(match[4] ?? match[9] ?? 0);
  const minute = Number(match[5] ?? match[10] ?? 0);
  const second = Number(match[6] ?? match[11] ?? 0);
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (Number(match[7] ?? 0) > 24 || Number(match[8] ?? 0) > 60) return undefined;
  return date;
}

const timestamp: ScalarTag = {
  identify: (value) => value instanceof Date,
  default: false,
  tag: "tag:yaml.org,2002:timestamp",
  resolve: (source, onError) => goTimestamp(source) ?? cannotDecode(source, "timestamp", onError),
};

/** `!!binary`: go-yaml decodes the base64 into the string docker then reads (`name: !!binary aG9zdA==` is host). */
const binary: ScalarTag = {
  identify: () => false,
  default: false,
  tag: "tag:yaml.org,2002:binary",
  resolve(source, onError) {
    // Go's decoder skips line breaks; anything else outside the alphabet is an error, as docker says.
    const compact = source.replace(/[\r\n]/g, "");
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
      onError("!!binary value contains invalid base64 data (docker refuses it too)");
      return source;
    }
    return Buffer.from(compact, "base64").toString("utf8");
  },
};
