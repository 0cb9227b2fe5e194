import { fileOptionsSchema } from "./options.js";
import type { Transform } from "../strategies/strategy.js";
import * as z from "../zod.js";

/** One option as the docs list it: from the zod schemas that validate it, so they cannot drift apart. */
export interface OptionRow {
  option: string;
  values: string;
  defaultValue: string;
  description: string;
}

/** What zod/mini exposes of a schema at run time, as far as this table needs it. */
interface Introspected {
  options?: readonly unknown[];
  shape?: Record<string, Introspected>;
  def: {
    type: string;
    innerType?: Introspected;
    in?: Introspected;
    element?: Introspected;
    options?: Introspected[];
    valueType?: Introspected;
    defaultValue?: unknown;
  };
}

/** Every option of the top-level block (and a service's), in schema order; `services.NAME.*` last. */
export function optionRows(transforms: readonly Transform[]): OptionRow[] {
  const file = fileOptionsSchema(transforms) as unknown as Introspected;
  const byKey = new Map(transforms.map((t) => [t.optionsKey, t.optionsSchema as unknown as Introspected]));
  const rows: OptionRow[] = [];
  for (const [key, field] of Object.entries(file.shape ?? {})) {
    if (key === "services") {
      rows.push({
        option: "`services.NAME.*`",
        values: "the keys above",
        defaultValue: "",
        description:
          "top-level block and `--config` only: options for the service NAME (the way to configure files " +
          "older than format 3.7)",
      });
      continue;
    }
    rows.push(...fieldRows(key, byKey.get(key) ?? field));
  }
  return rows;
}

function fieldRows(path: string, schema: Introspected): OptionRow[] {
  const { core, description, defaultValue } = unwrap(schema);
  // A described mapping is one option (its keys listed); an undescribed one is only a namespace.
  if (core.def.type === "object" && core.shape && description === undefined) {
    return Object.entries(core.shape).flatMap(([key, field]) => fieldRows(`${path}.${key}`, field));
  }
  return [
    {
      option: `\`${path}\``,
      values:
        core.def.type === "object" && core.shape
          ? `mapping of ${Object.keys(core.shape)
              .map((k) => `\`${k}\``)
              .join(", ")}`
          : valuesOf(core),
      defaultValue: defaultValue === undefined ? "" : `\`${JSON.stringify(defaultValue)}\``,
      description: description ?? "",
    },
  ];
}

function unwrap(schema: Introspected): { core: Introspected; description: string | undefined; defaultValue: unknown } {
  let core = schema;
  let description = describedAs(schema);
  let defaultValue: unknown;
  for (;;) {
    const { type } = core.def;
    if (type === "default") defaultValue ??= core.def.defaultValue;
    const inner = ["optional", "nullable", "default", "prefault", "readonly", "catch"].includes(type)
      ? core.def.innerType
      : type === "pipe"
        ? core.def.in
        : undefined;
    if (!inner) break;
    core = inner;
    description ??= describedAs(core);
  }
  return { core, description, defaultValue };
}

function describedAs(schema: Introspected): string | undefined {
  return z.descriptionOf(schema as unknown as z.core.$ZodType);
}

function valuesOf(schema: Introspected): string {
  const { core } = unwrap(schema);
  switch (core.def.type) {
    case "enum":
      return (core.options ?? []).map((v) => `\`${String(v)}\``).join(", ");
    case "array":
      return `list of ${valuesOf(core.def.element!)}`;
    case "union":
      return (core.def.options ?? []).map(valuesOf).join(" or ");
    case "record":
      return `map of ${valuesOf(core.def.valueType!)}`;
    case "object":
      return "mapping";
    case "number":
      return "number";
    default:
      return core.def.type;
  }
}
