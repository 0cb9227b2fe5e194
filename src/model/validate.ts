import { isMap, isScalar, isSeq, type Node } from "yaml";
import type * as z from "../zod.js";
import { descriptionOf } from "../zod.js";
import { StackmodError } from "../errors.js";
import type { ParsedFile } from "../parse/parse.js";
import { dockerNamePattern } from "./names.js";
import { splitShortPort } from "./ports.js";
import { goFloat } from "../parse/docker-scalars.js";
import { isMergeKey } from "../parse/resolve.js";
import { fileShape, type StackData } from "./shape.js";

/**
 * The one validation of a stack file, run once per document between parse and build: the schema in
 * `shape.ts` for which key holds which kind of value, then, on a file of the right shape, the checks of
 * values (names Docker accepts, a network listed twice, a port out of range).
 */
export function validateFile(file: ParsedFile): void {
  const checked = fileShape.safeParse(file.data);
  // The first of the two in the file, as a parser reports its first error.
  const key = file.nonStringKey && nonStringKey(file, file.nonStringKey);
  if (!checked.success) {
    const shape = shapeError(file, checked.error.issues);
    throw key && before(key, shape) ? key : shape;
  }
  if (key) throw key;
  checkValues(file, checked.data);
}

type Path = readonly PropertyKey[];

interface Problem {
  message: string;
  offset: number;
}

/**
 * The first problem in the file (as a parser reports its first error), of all the schema found: zod
 * reports in the schema's order, which is not the order a reader goes through the file.
 */
function shapeError(file: ParsedFile, issues: readonly z.core.$ZodIssue[]): StackmodError {
  let first: Problem | undefined;
  for (const leaf of leaves(issues, [])) {
    const problem = describe(file, leaf.path, leaf.issue);
    if (!first || problem.offset < first.offset) first = problem;
  }
  const { message, offset } = first!;
  return new StackmodError("WRONG_TYPE", message, file.source.position(offset));
}

/**
 * The issues at the nodes to edit. A union whose options all fail is one issue at the union; when the
 * value has the kind of one of the options (a port written as a mapping), that option's own issues,
 * deeper in, say what is wrong.
 */
function leaves(issues: readonly z.core.$ZodIssue[], prefix: Path): { path: Path; issue: z.core.$ZodIssue }[] {
  const found: { path: Path; issue: z.core.$ZodIssue }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union") {
      const kindMatched = issue.errors.find(
        (option) => option.length > 0 && !option.some((i) => i.path.length === 0 && i.code === "invalid_type"),
      );
      if (kindMatched) {
        found.push(...leaves(kindMatched, path));
        continue;
      }
    }
    found.push({ path, issue });
  }
  return found;
}

function describe(file: ParsedFile, path: Path, issue: z.core.$ZodIssue): Problem {
  const value = valueAt(file.data, path);
  const expected = expectedKinds(fileShape, path, file.data);
  const message =
    issue.code === "invalid_type" || issue.code === "invalid_union"
      ? `${where(path)} must be ${expected.join(" or ")}, but it is ${describeValue(value)}`
      : `${where(path)}: ${issue.message}`;
  return { message, offset: offsetOf(file, path, "value") };
}

/** A path as docker's own messages write it (`services.web.ports.0`); a key that is no plain word is quoted. */
function where(path: Path): string {
  if (path.length === 0) return "the top level";
  const text = path
    .map((step, index) => {
      const plain = typeof step === "number" || /^[A-Za-z0-9_.-]+$/.test(String(step));
      const shown = plain ? String(step) : JSON.stringify(String(step));
      return index === 0 ? shown : `.${shown}`;
    })
    .join("");
  return `\`${text}\``;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "empty: give it a value or remove it";
  if (Array.isArray(value)) return "a list";
  // A file declared `%YAML 1.1` reads an unquoted 2001-12-14 as a timestamp.
  if (value instanceof Date) return "a date: quote it if it is meant as a string";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "number" && Number.isNaN(value)) return "not a number (.nan)";
  if (typeof value === "number" && !Number.isFinite(value)) return `an infinite number (${value > 0 ? "" : "-"}.inf)`;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return `a ${typeof value} (${JSON.stringify(value)})`;
  return "a scalar";
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const step of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[step];
  }
  return value;
}

/** What zod/mini exposes of a schema at run time, as far as finding the one at a path needs it. */
interface Introspected {
  _zod: {
    def: {
      type: string;
      innerType?: Introspected;
      element?: Introspected;
      options?: readonly Introspected[];
      shape?: Record<string, Introspected>;
      valueType?: Introspected;
    };
  };
}

/** The kinds the schema accepts at `path` ("a list", "a mapping of its settings"), read from the schema. */
function expectedKinds(root: z.core.$ZodType, path: Path, data: unknown): string[] {
  let schema: Introspected | undefined = root as unknown as Introspected;
  let value = data;
  for (const step of path) {
    if (!schema) break;
    const def: Introspected["_zod"]["def"] = optionFor(schema, value)._zod.def;
    schema = def.type === "object" ? def.shape?.[String(step)] : (def.valueType ?? def.element);
    value = valueAt(value, [step]);
  }
  return schema ? [...new Set(kindsOf(schema))] : ["of another kind"];
}

/** The schema itself, or the option of a union that takes the value's kind (optional and nullable unwrapped). */
function optionFor(schema: Introspected, value: unknown): Introspected {
  const inner = unwrap(schema);
  if (inner._zod.def.type !== "union") return inner;
  const options = inner._zod.def.options ?? [];
  return unwrap(options.find((option) => takesKindOf(unwrap(option), value)) ?? inner);
}

function takesKindOf(schema: Introspected, value: unknown): boolean {
  const { type } = schema._zod.def;
  if (type === "union") return (schema._zod.def.options ?? []).some((option) => takesKindOf(unwrap(option), value));
  if (type === "array") return Array.isArray(value);
  if (type === "object" || type === "record")
    return value !== null && typeof value === "object" && !Array.isArray(value);
  return typeof value === type;
}

function unwrap(schema: Introspected): Introspected {
  let inner = schema;
  while (["optional", "nullable"].includes(inner._zod.def.type) && inner._zod.def.innerType) {
    inner = inner._zod.def.innerType;
  }
  return inner;
}

function kindsOf(schema: Introspected): string[] {
  const inner = unwrap(schema);
  const { type, options } = inner._zod.def;
  if (type === "union") return (options ?? []).flatMap(kindsOf);
  if (type === "array") return ["a list"];
  if (type === "object" || type === "record") {
    const description = descriptionOf(inner as unknown as z.core.$ZodType);
    return [description ? `a mapping ${description}` : "a mapping"];
  }
  return [`a ${type}`];
}

/**
 * Where the user edits: the value at `path` (a node reached through an alias or a merge is where it is
 * written), or its key when the key is what is wrong or the value is empty (`network_mode:`).
 */
function offsetOf(file: ParsedFile, path: Path, part: "key" | "value"): number {
  const { resolver, root } = file;
  if (path.length === 0) return root.range?.[0] ?? 0;
  const parent = resolver.nodeAt(root, path.slice(0, -1));
  const step = path[path.length - 1]!;
  if (isMap(parent)) {
    const entry = resolver.get(parent, String(step));
    const value = entry?.value;
    const empty = !value || (isScalar(value) && value.value === null && value.range?.[0] === value.range?.[1]);
    const node = part === "key" || empty ? (entry?.pair.key as Node | null | undefined) : value;
    const at = node?.range?.[0];
    if (at !== undefined) return at;
  } else if (isSeq(parent) && typeof step === "number") {
    const at = resolver.deref(parent.items[step])?.range?.[0];
    if (at !== undefined) return at;
  }
  return parent?.range?.[0] ?? offsetOf(file, path.slice(0, -1), "value");
}

/**
 * The values the schema leaves: names Docker accepts (so that no name can carry shell or YAML syntax into
 * generated text), a network or a port a service lists twice, ports out of range.
 */
function checkValues(file: ParsedFile, data: StackData): void {
  const at = (path: Path) => file.source.position(offsetOf(file, path, "value"));
  checkNameKeys(file);
  for (const section of ["services", "networks"] as const) {
    for (const name of Object.keys(data[section] ?? {})) {
      if (dockerNamePattern.test(name)) continue;
      throw new StackmodError(
        "INVALID_NAME",
        `${section === "services" ? "service" : "network"} name ${JSON.stringify(name)} is not one Docker accepts ` +
          "(letters, digits, '_', '.', '-', starting with a letter or digit); rename it",
        file.source.position(offsetOf(file, [section, name], "key")),
      );
    }
  }
  for (const [name, body] of Object.entries(data.services ?? {})) {
    const networks = body?.networks;
    if (Array.isArray(networks)) {
      const seen = new Set<string>();
      networks.forEach((network, index) => {
        if (seen.has(network)) {
          throw new StackmodError(
            "DUPLICATE_ITEM",
            `service "${name}" lists the network ${JSON.stringify(network)} twice; docker refuses such a file ` +
              '("array items must be unique"): remove one of them',
            at(["services", name, "networks", index]),
          );
        }
        seen.add(network);
      });
    }
    // docker stack's and Compose's schemas both say uniqueItems: an entry written twice is refused,
    // and once a strategy takes the service off the host network both would bind its host port.
    const written = new Set<string>();
    body?.ports?.forEach((port, index) => {
      const node = file.resolver.nodeAt(file.root, ["services", name, "ports", index]);
      const problem = portProblem(port) ?? floatPortProblem(node);
      if (problem) {
        throw new StackmodError(
          "INVALID_PORT",
          `service "${name}": ${problem}`,
          at(["services", name, "ports", index]),
        );
      }
      const same = canonical(port);
      if (written.has(same)) {
        throw new StackmodError(
          "DUPLICATE_ITEM",
          `service "${name}" lists the port ${same} twice; docker refuses such a file ` +
            '("array items must be unique"): remove one of them',
          at(["services", name, "ports", index]),
        );
      }
      written.add(same);
    });
  }
}

/**
 * A short-syntax port that go-yaml reads as a float (`08`: a leading 0 is octal there and 8 no octal digit;
 * `80.0`, `1e3`, `!!float 10`): docker refuses it ("invalid type float64 for port"), where YAML 1.2 would
 * read an integer.
 */
function floatPortProblem(node: Node | null): string | undefined {
  if (!isScalar(node) || typeof node.value !== "number" || node.type !== "PLAIN") return undefined;
  const source = (node as { source?: string }).source ?? "";
  // `!!float 10` is a float to go-yaml too.
  if (goFloat(source) === undefined && node.tag !== "tag:yaml.org,2002:float") return undefined;
  return (
    `docker reads the port ${source} as the float ${node.value} and refuses a port that is not an integer ` +
    `("invalid type float64 for port"); write it as "${source}" (a string) or as an integer without a leading 0`
  );
}

/**
 * The keys stackmod reads as names (services, networks, a service's networks) must be strings as docker
 * reads them: go-yaml reads `1_0:` as the number 10, `true:` as a boolean, `2001-12-14:` as a timestamp,
 * and docker refuses a mapping with such a key ("json: unsupported type: map[interface {}]interface {}").
 */
function checkNameKeys(file: ParsedFile): void {
  const { resolver, root } = file;
  const maps: { map: Node | null; what: string }[] = [];
  for (const section of ["services", "networks"] as const) {
    const map = resolver.get(root, section)?.value ?? null;
    maps.push({ map, what: section === "services" ? "service" : "network" });
    if (section === "services" && isMap(map)) {
      for (const service of resolver.entries(map)) {
        const body = service.value;
        if (isMap(body)) maps.push({ map: resolver.get(body, "networks")?.value ?? null, what: "network" });
      }
    }
  }
  for (const { map, what } of maps) {
    if (!isMap(map)) continue;
    for (const pair of map.items) {
      const key = pair.key;
      if (!isScalar(key) || isMergeKey(key)) continue;
      // go-yaml makes a mapping whose key carries another tag (`!!binary`, `!custom`) one docker refuses.
      const tagged = key.tag !== undefined && key.tag !== "tag:yaml.org,2002:str";
      if (typeof key.value === "string" && !tagged) continue;
      const source = (key as { source?: string }).source ?? String(key.value);
      const kind = kindOfKey(key.value, key.tag);
      throw new StackmodError(
        "INVALID_NAME",
        `the ${what} name ${source} is read by docker's YAML parser as ${kind}, not a string, and docker ` +
          `refuses a file with such a key; quote it ("${source}")`,
        file.source.position(key.range?.[0] ?? 0),
      );
    }
  }
}

/**
 * Any key go-yaml reads as no string, anywhere in the file: docker/cli v28.2.2 (cli/compose/loader/loader.go
 * ParseYAML) reads the file with go-yaml v3, which makes a mapping with such a key a map[interface{}]interface{},
 * and the schema check refuses the file ("json: unsupported type: map[interface {}]interface {}", docker stack
 * config). A service or network name says so as a name (`checkNameKeys`), when it is the first such key.
 */
function nonStringKey(file: ParsedFile, key: Node): StackmodError {
  try {
    checkNameKeys(file);
  } catch (error) {
    if (!before(file.source.position(key.range?.[0] ?? 0), error as StackmodError)) return error as StackmodError;
  }
  const scalar = key as Node & { value?: unknown; tag?: string; source?: string };
  const source = scalar.source ?? String(scalar.value);
  return new StackmodError(
    "WRONG_TYPE",
    `the key ${source} is read by docker's YAML parser as ${kindOfKey(scalar.value, scalar.tag)}, not a string, ` +
      `and docker refuses a file with such a key (json: unsupported type); quote it ("${source}")`,
    file.source.position(key.range?.[0] ?? 0),
  );
}

function before(a: { line: number; column: number }, b: { line: number; column: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

function kindOfKey(value: unknown, tag: string | undefined): string {
  if (tag !== undefined && tag !== "tag:yaml.org,2002:str")
    return `a key tagged ${tag.replace("tag:yaml.org,2002:", "!!")}`;
  if (value instanceof Date) return "a timestamp";
  if (value === null) return "null (empty)";
  return `a ${typeof value} (${String(value)})`;
}

type PortData = NonNullable<NonNullable<NonNullable<StackData["services"]>[string]>["ports"]>[number];

/** JSON with the keys of mappings sorted: two items equal as JSON Schema's uniqueItems compares them write the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  if (typeof value === "bigint") return value.toString();
  return JSON.stringify(value) ?? "null";
}

/** What is wrong with one `ports:` item, when a number in it is out of range. */
function portProblem(port: PortData): string | undefined {
  // A schema's mapping takes a Date as well: go-yaml's timestamp, which docker refuses as a port.
  if ((port as unknown) instanceof Date) {
    return (
      "docker reads this port as a timestamp (its YAML parser takes YYYY-MM-DD as a date) and refuses it; " + "quote it"
    );
  }
  const numbers: [string, string][] = [];
  if (typeof port === "number") numbers.push(["target", String(port)]);
  else if (typeof port === "string") {
    if (port.includes("$")) return undefined;
    const { target, published } = splitShortPort(port);
    numbers.push(["target", target]);
    if (published !== undefined) numbers.push(["published", published]);
  } else {
    for (const field of ["target", "published"] as const) {
      const value = port[field];
      if (typeof value === "number" && (!Number.isInteger(value) || value < 0)) {
        return `${field} port ${value} is no port number; ports are 1-65535`;
      }
      if (typeof value === "number" || (typeof value === "string" && !value.includes("$")))
        numbers.push([field, String(value)]);
    }
  }
  for (const [field, text] of numbers) {
    for (const piece of text.trim().split("-")) {
      if (!/^\d+$/.test(piece)) continue;
      const value = Number(piece);
      if (value > 65535 || (field === "target" && value < 1)) {
        return `${field} port ${value} is out of range; ports are 1-65535`;
      }
    }
  }
  return undefined;
}
