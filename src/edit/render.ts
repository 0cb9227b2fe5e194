/**
 * Writes new YAML text in the file's own style. Only plain data goes in: strings,
 * numbers, booleans, lists and mappings. Scalars are written so that they mean the
 * same under YAML 1.1 (what `docker stack` reads) and YAML 1.2.
 */
export type Plain = string | number | boolean | null | Plain[] | { [key: string]: Plain };

export interface RenderStyle {
  /** Spaces per nesting level of mappings. */
  indent: number;
  /** Spaces between a key and the `-` of its block list (0 for indentless lists). */
  seqIndent: number;
}

const yaml11Specials =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const safePlain = /^[A-Za-z_/][A-Za-z0-9_./@=+-]*(?:[ :][A-Za-z0-9_./@=+-]+)*$/;

export function scalar(value: string | number | boolean | null): string {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (safePlain.test(value) && !yaml11Specials.test(value)) return value;
  return JSON.stringify(value).replace(
    notPrintable,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Characters JSON leaves raw but YAML readers refuse or fold (the docker CLI: "control characters are not allowed").
 */
const notPrintable = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

export function flow(value: Plain): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.entries(value)
      .map(([k, v]) => `${scalar(k)}: ${flow(v)}`)
      .join(", ")}}`;
  }
  return scalar(value);
}

/** Lines (without line ends) of a block rendering, the first starting at column `column`. */
export function block(value: Plain, column: number, style: RenderStyle): string[] {
  const pad = " ".repeat(column);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}[]`];
    return value.flatMap((item) => listItem(item, column, style));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return [`${pad}{}`];
    return entries.flatMap(([key, item]) => mapEntry(key, item, column, style));
  }
  return [pad + scalar(value)];
}

export function mapEntry(key: string, value: Plain, column: number, style: RenderStyle): string[] {
  const head = " ".repeat(column) + scalar(key) + ":";
  if (isCollection(value)) {
    const childColumn = Array.isArray(value) ? column + style.seqIndent : column + style.indent;
    return [head, ...block(value, childColumn, style)];
  }
  return [`${head} ${flow(value)}`];
}

export function listItem(value: Plain, column: number, style: RenderStyle): string[] {
  const pad = " ".repeat(column);
  if (isCollection(value) && !Array.isArray(value)) {
    const lines = block(value, column + 2, style);
    return [`${pad}- ${lines[0]!.slice(column + 2)}`, ...lines.slice(1)];
  }
  if (Array.isArray(value) && value.length > 0) return [`${pad}- ${flow(value)}`];
  return [`${pad}- ${flow(value)}`];
}

function isCollection(value: Plain): value is Plain[] | { [key: string]: Plain } {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && typeof value === "object" && Object.keys(value).length > 0;
}
