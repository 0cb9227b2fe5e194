import { isMap, type Node } from "yaml";
import * as z from "../zod.js";
import { StackmodError, type SourcePosition } from "../errors.js";
import { parseShortPort } from "../model/ports.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import type { CommonOptions, PortRequest, Transform } from "../strategies/strategy.js";

const portPattern = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp|sctp))?$/;

const portSpec = z.union([z.number().check(z.int()), z.string()]).check(
  z.describe(
    'a port the service receives on the host side: 502, "47808/udp", "38412/sctp", or "PUBLISHED:TARGET/PROTO"',
  ),
  z.superRefine((value, ctx) => {
    const match = portPattern.exec(String(value));
    const numbers = match ? [match[1], match[2]].filter(Boolean).map(Number) : [];
    if (!match || numbers.some((n) => n < 1 || n > 65535)) {
      ctx.addIssue({
        code: "custom",
        message: `invalid port ${JSON.stringify(value)}: expected 1-65535, "PORT/udp" or "PUBLISHED:TARGET/PROTO"`,
      });
    }
  }),
);

/** A value `portSpec` accepted, read as the short syntax of `ports:` is. */
function parsePortSpec(value: string | number): PortRequest {
  const { target, published, protocol } = parseShortPort(String(value));
  return { target: target!, published, protocol };
}

/** The `x-stackmod` block of a service, built from every transform's own options. */
export function serviceOptionsSchema(transforms: readonly Transform[]) {
  return memo(serviceSchemas, transforms, buildServiceOptionsSchema);
}

function buildServiceOptionsSchema(transforms: readonly Transform[]) {
  const shape: Record<string, z.ZodMiniType> = {
    strategy: z.optional(z.enum(strategyNames(transforms)).check(z.describe("how to rewrite the service"))),
    ports: z.optional(z.array(portSpec).check(z.describe("ports the service receives from the host side"))),
  };
  for (const t of transforms) shape[t.optionsKey] = z.optional(withoutDefaults(t.optionsSchema as z.ZodMiniObject));
  return z.strictObject(shape);
}

/** The values of `strategy`: each registered strategy, in the registry's order, then `skip`. */
function strategyNames(transforms: readonly Transform[]): [string, ...string[]] {
  const names = [...transforms.map((t) => t.name), "skip"];
  return names as [string, ...string[]];
}

/**
 * A layer of options must not fill in defaults, or a service's block would
 * override the command line with built-in values it never wrote.
 */
function withoutDefaults(schema: z.ZodMiniObject): z.ZodMiniObject {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const inner = field instanceof z.ZodMiniDefault ? field.def.innerType : field;
      return [key, z.optional(inner)];
    }),
  );
  return z.strictObject(shape);
}

/** The top-level block and `--config`: the same keys as defaults, plus `services: {NAME: {...}}`. */
export function fileOptionsSchema(transforms: readonly Transform[]) {
  return memo(fileSchemas, transforms, (list) => {
    const service = serviceOptionsSchema(list);
    return z.extend(service, {
      services: z.optional(z.record(z.string(), service)),
      engine: z.optional(
        z
          .union([z.string(), z.number()])
          .check(z.describe('the Docker Engine to judge for, e.g. "28.0.1" (quoted); --engine overrides it')),
      ),
    });
  });
}

// Building a zod schema costs more than checking a typical file with it: one per list of transforms (and its length).
const serviceSchemas = new WeakMap<
  readonly Transform[],
  { length: number; schema: ReturnType<typeof buildServiceOptionsSchema> }
>();
const fileSchemas = new WeakMap<readonly Transform[], { length: number; schema: z.ZodMiniObject }>();

function memo<T>(
  cache: WeakMap<readonly Transform[], { length: number; schema: T }>,
  transforms: readonly Transform[],
  build: (list: readonly Transform[]) => T,
): T {
  const hit = cache.get(transforms);
  if (hit && hit.length === transforms.length) return hit.schema;
  const schema = build(transforms);
  cache.set(transforms, { length: transforms.length, schema });
  return schema;
}

export type RawOptions = Record<string, unknown> & { services?: Record<string, Record<string, unknown>> };

/** Validates an `x-stackmod` block of the file; errors point at the offending node. */
export function readOptionsNode(
  node: Node | null,
  model: Pick<StackModel, "parsed" | "resolver" | "positionOf">,
  schema: z.ZodMiniType,
  label: string,
): RawOptions {
  if (node === null) return {};
  const data = nodeToJS(node, model);
  const result = schema.safeParse(data);
  if (result.success) return result.data as RawOptions;
  const issue = result.error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const target = model.resolver.nodeAt(node, path) ?? node;
  // An unknown key is shown at the key (at the file's start when it is not written in the mapping itself).
  const at = isMap(target) && issue.code === "unrecognized_keys" ? (keyNode(target, issue.keys[0]!) ?? null) : target;
  throw optionError(issue, [label, ...path].join("."), model.positionOf(at));
}

function expectedText(expected: string): string {
  if (expected === "array") return "a list";
  if (expected === "object") return "a mapping";
  return `a ${expected}`;
}

export function optionError(issue: z.core.$ZodIssue, where: string, position: SourcePosition): StackmodError {
  let message: string;
  if (issue.code === "invalid_value") message = `invalid value; allowed: ${issue.values.map(String).join(", ")}`;
  else if (issue.code === "invalid_type")
    message = `expected ${expectedText(issue.expected)} here; see \`stackmod transforms\` for each option's type`;
  else if (issue.code === "unrecognized_keys")
    message =
      `unknown option ${issue.keys.map((k) => `\`${k}\``).join(", ")}; see \`stackmod transforms\` for the ` +
      "allowed keys";
  else message = issue.message;
  return new StackmodError("BAD_OPTION", `\`${where}\`: ${message}`, position);
}

function keyNode(map: { items: { key: unknown }[] }, key: string): Node | undefined {
  const pair = map.items.find((p) => String((p.key as { value?: unknown }).value) === key);
  return pair?.key as Node | undefined;
}

function nodeToJS(node: Node, model: Pick<StackModel, "parsed">): unknown {
  return node.toJS(model.parsed.doc, { maxAliasCount: model.parsed.maxAliasCount });
}

/** A service's options in effect: what every strategy gets, and what decides the strategy. */
export interface ResolvedOptions extends CommonOptions {
  /** A registered strategy's name, or `skip`, as given; undefined: none was, the analysis chooses it. */
  strategy: string | undefined;
  /** The strategy was given (options, flags, config); otherwise the analysis chooses it. */
  explicitStrategy: boolean;
  /** A value given for an option that implies its strategy (proxy.direction), the first strategy's that has one. */
  implied: { transform: Transform; value: unknown } | undefined;
}

/** The option sources of one file, each already validated. */
export interface OptionSources {
  /** The command-line flags (or the library's `options`), shaped like the top-level block. */
  cli: RawOptions;
  /** The file's top-level `x-stackmod` block. */
  file: RawOptions;
  /** The `--config` file (or the library's `config`). */
  config: RawOptions;
}

/**
 * Most specific first: the service's own block, the top-level `services.NAME`
 * (its stand-in for formats before 3.7), the flags, the file's defaults, the
 * config file, the built-in defaults.
 */
export function resolveServiceOptions(
  service: ServiceModel,
  own: RawOptions,
  sources: OptionSources,
  transforms: readonly Transform[],
): { common: ResolvedOptions; byKey: Record<string, Record<string, unknown>>; origins: Map<string, string> } {
  const name = service.name;
  const layers: [Record<string, unknown>, string][] = [
    [own, "its x-stackmod block"],
    [sources.file.services?.[name] ?? {}, `the top-level x-stackmod's services.${name}`],
    [sources.cli.services?.[name] ?? {}, "--port"],
    [withoutServices(sources.cli), "the command line"],
    [withoutServices(sources.file), "the top-level x-stackmod block"],
    [sources.config.services?.[name] ?? {}, `--config's services.${name}`],
    [withoutServices(sources.config), "--config"],
  ];
  const ordered = layers.map(([layer]) => layer);
  /** Where each option in effect came from: the most specific layer that sets it. */
  const origins = new Map<string, string>();
  const pick = <T>(key: string): T | undefined => {
    const found = layers.find(([layer]) => layer[key] !== undefined);
    if (found) origins.set(key, found[1]);
    return found?.[0][key] as T | undefined;
  };
  const ports = pick<(string | number)[]>("ports");
  const byKey: Record<string, Record<string, unknown>> = {};
  for (const t of transforms) {
    const merged = Object.assign({}, ...[...ordered].reverse().map((layer) => layer[t.optionsKey] ?? {}));
    byKey[t.optionsKey] = t.optionsSchema.parse(merged) as Record<string, unknown>;
    for (const field of Object.keys(merged)) {
      const from = layers.find(
        ([layer]) => (layer[t.optionsKey] as Record<string, unknown> | undefined)?.[field] !== undefined,
      );
      if (from) origins.set(`${t.optionsKey}.${field}`, from[1]);
    }
  }
  const strategy = pick<string>("strategy");
  return {
    common: {
      strategy,
      explicitStrategy: strategy !== undefined,
      implied: impliedStrategy(transforms, ordered),
      ports: (ports ?? []).map(parsePortSpec),
      portsSource: origins.get("ports") ?? "",
    },
    byKey,
    origins,
  };
}

function impliedStrategy(
  transforms: readonly Transform[],
  layers: Record<string, unknown>[],
): ResolvedOptions["implied"] {
  for (const transform of transforms) {
    if (!transform.impliedBy) continue;
    const option = transform.impliedBy;
    const value = layers
      .map((layer) => (layer[transform.optionsKey] as Record<string, unknown> | undefined)?.[option])
      .find((given) => given !== undefined);
    if (value !== undefined) return { transform, value };
  }
  return undefined;
}

function withoutServices(layer: RawOptions): Record<string, unknown> {
  const { services: _ignored, engine: _engine, ...rest } = layer;
  return rest;
}

/** One option in effect for a service, with the layer it came from (`--verbose`). */
export interface Setting {
  option: string;
  value: unknown;
  from: string;
}

/** The options a strategy ran with: strategy, ports and the strategy's own block, each with its origin. */
export function settingsOf(
  common: ResolvedOptions,
  options: Record<string, unknown>,
  key: string,
  origins: ReadonlyMap<string, string>,
): Setting[] {
  const ports = common.ports.map(
    (p) => `${p.published === undefined ? "" : `${p.published}:`}${p.target}/${p.protocol}`,
  );
  return [
    { option: "strategy", value: common.strategy, from: origins.get("strategy") ?? "the default" },
    { option: "ports", value: ports, from: common.portsSource || "none given" },
    ...Object.entries(options).map(([field, value]) => ({
      option: `${key}.${field}`,
      value,
      from: origins.get(`${key}.${field}`) ?? "the default",
    })),
  ];
}
