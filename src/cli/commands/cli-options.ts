import { StackmodError } from "../../errors.js";
import type { RawOptions } from "../../plan/options.js";
import { fileOptionsSchema } from "../../plan/options.js";
import * as z from "../../zod.js";
import { transforms } from "../../strategies/index.js";
import { optionFlags, usageError, type OptionFlag } from "./option-flags.js";

function flagName(flag: OptionFlag): string {
  return flag.flags.split(" ")[0]!;
}

/** The options layer the flags give, validated; an invalid value is reported with its flag, at `<command line>`. */
export function cliOptions(values: Readonly<Record<string, unknown>>): RawOptions {
  const options: RawOptions = {};
  const origin = new Map<string, string>();
  for (const flag of optionFlags) {
    const value = values[flag.attribute];
    if (value === undefined) continue;
    if (flag.attribute === "port") {
      for (const spec of value as string[]) addPort(options, origin, spec);
      continue;
    }
    const set = flag.read ? flag.read(value as string[]) : value;
    for (const path of flag.sets) {
      setPath(options, path.split("."), set);
      origin.set(path, `${flagName(flag)} ${Array.isArray(value) ? value.join(" ") : String(value)}`);
    }
  }
  const result = fileOptionsSchema(transforms).safeParse(options);
  if (result.success) return result.data as RawOptions;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  const key = path[0] === "services" ? `services.${path[1]}.ports.${path[3]}` : undefined;
  // The flag that set the option: the longest prefix of the issue's path that a flag names.
  const prefixes = path.map((_, i) => path.slice(0, path.length - i).join("."));
  const given = [key, ...prefixes].map((k) => k && origin.get(k)).find(Boolean) ?? path.join(".");
  throw new StackmodError("BAD_OPTION", `${given}: ${flagMessage(issue)}`, {
    file: "<command line>",
    line: 1,
    column: 1,
  });
}

function flagMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_value") return `expected one of ${issue.values.map(String).join(", ")}`;
  return issue.message;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
}

function addPort(options: RawOptions, origin: Map<string, string>, spec: string): void {
  const eq = spec.indexOf("=");
  if (eq <= 0 || eq === spec.length - 1)
    throw usageError(`--port ${spec}: expected SERVICE=PORT[/PROTO], e.g. bacnet=47808/udp`);
  const service = spec.slice(0, eq);
  const services = (options.services ??= {});
  const ports = ((services[service] ??= {}).ports ??= []) as string[];
  origin.set(`services.${service}.ports.${ports.length}`, `--port ${spec}`);
  ports.push(spec.slice(eq + 1));
}

/** The services the flags name (`--service`, `--port SERVICE=...`), each with the flag that named it. */
export function namedServices(values: { service?: string[]; port?: string[] }): Map<string, string> {
  const named = new Map<string, string>();
  for (const name of values.service ?? []) if (!named.has(name)) named.set(name, `--service ${name}`);
  for (const spec of values.port ?? []) {
    const name = spec.slice(0, spec.indexOf("="));
    if (name && !named.has(name)) named.set(name, `--port ${spec}`);
  }
  return named;
}
