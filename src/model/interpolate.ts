/** Variables for `${VAR}` interpolation: the process environment overlaid by --env-file. */
export type Environment = Readonly<Record<string, string | undefined>>;

export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

const pattern = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Resolves `$VAR`, `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}` and
 * `$$` the way Compose does, for detection only: the file's text is never expanded.
 * An unset variable without a default becomes "" (Compose warns and does the same).
 */
export function interpolate(text: string, env: Environment): string {
  if (!text.includes("$")) return text;
  return text.replace(pattern, (match, dollar, braced, operator, argument = "", bare, index: number) => {
    if (dollar) return "$";
    const name = (braced ?? bare) as string;
    const value = env[name];
    const isSet = value !== undefined;
    const isSetAndNonEmpty = isSet && value !== "";
    switch (operator as string | undefined) {
      case undefined:
        return value ?? "";
      case ":-":
        return isSetAndNonEmpty ? value : interpolate(argument, env);
      case "-":
        return isSet ? value : interpolate(argument, env);
      case ":+":
        return isSetAndNonEmpty ? interpolate(argument, env) : "";
      case "+":
        return isSet ? interpolate(argument, env) : "";
      case ":?":
        if (isSetAndNonEmpty) return value;
        throw new InterpolationError(
          `required variable ${name} is not set: ${argument || "set it or pass --env-file"}`,
          index,
        );
      case "?":
        if (isSet) return value;
        throw new InterpolationError(
          `required variable ${name} is not set: ${argument || "set it or pass --env-file"}`,
          index,
        );
      default:
        return match;
    }
  });
}

/**
 * Whether the text uses a variable that is not set and has no default (`${PORT}`, `$PORT`): its value is
 * where the stack is deployed, not here, so what it becomes here is no reason to refuse the file.
 */
export function usesUnsetVariable(text: string, env: Environment): boolean {
  for (const match of text.matchAll(pattern)) {
    const name = match[2] ?? match[5];
    if (name !== undefined && match[3] === undefined && env[name] === undefined) return true;
  }
  return false;
}

/**
 * Plain data with every string interpolated, as docker interpolates the whole file before it reads any
 * setting: for the settings stackmod decides on (deploy.mode, constraints, endpoint_mode). A string whose
 * variable cannot be resolved keeps its text; where stackmod reads it as a value, that is an error of its own.
 */
export function interpolateData(value: unknown, env: Environment): unknown {
  if (typeof value === "string") {
    if (!value.includes("$")) return value;
    try {
      return interpolate(value, env);
    } catch (error) {
      if (error instanceof InterpolationError) return value;
      throw error;
    }
  }
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  // Copied only where a string changes: most services use no variable, and their data is returned as it is.
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const now = interpolateData(item, env);
      if (now !== item) (copy ??= value.slice())[index] = now;
    });
    return copy ?? value;
  }
  const map = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(map)) {
    const now = interpolateData(map[key], env);
    // defineProperty: a key named `__proto__` stays a key (yaml's toJS writes it so too).
    if (now !== map[key])
      Object.defineProperty((copy ??= { ...map }), key, {
        value: now,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy ?? value;
}

const resolved = new WeakMap<object, Record<string, unknown>>();

/**
 * A service's `data` with every `${VAR}` resolved, as docker reads it: for decisions (deploy.mode, constraints,
 * endpoint_mode), never for text to write. Worked out on first read: a check never reads it.
 */
export function resolvedData(service: { data: Record<string, unknown>; env: Environment }): Record<string, unknown> {
  let value = resolved.get(service);
  if (value === undefined) {
    value = interpolateData(service.data, service.env) as Record<string, unknown>;
    resolved.set(service, value);
  }
  return value;
}

/** Reads a Compose-style .env text: `KEY=value`, `export KEY=value`, comments, quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    result[match[1]!] = value;
  }
  return result;
}
