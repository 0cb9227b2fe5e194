import { isMap, isPair, type Node } from "yaml";
import type * as z from "../zod.js";
import { StackmodError } from "../errors.js";
import type { ParsedFile } from "../parse/parse.js";
import { dockerNamePattern } from "./names.js";
import { splitShortPort } from "./ports.js";
import { fileShape } from "./shape.js";

/**
 * The one validation of a stack file's shape, run once per document between parse and build: the checks
 * whose messages say what to edit first, then the schema for the rest of what the model reads.
 */
export function validateFile(file: ParsedFile): void {
  checkInput(file);
  const checked = fileShape.safeParse(file.data);
  if (!checked.success) throw shapeError(checked.error, file);
}

/**
 * Checks the parts of the file stackmod relies on before anything reads them:
 * `services` and `networks` are mappings, names are names Docker accepts (so that
 * no name can carry shell or YAML syntax into generated text), ports are in range.
 */
function checkInput(file: ParsedFile): void {
  const at = (path: (string | number)[], key?: string) => position(file, path, key);
  const data = file.data as Record<string, unknown>;
  for (const section of ["services", "networks"] as const) {
    const value = data[section];
    if (value === undefined || value === null) continue;
    if (kindOf(value) !== "mapping") {
      throw new StackmodError(
        "WRONG_TYPE",
        `\`${section}\` must be a mapping (${section === "services" ? "service name: settings" : "network name: settings"}), but it is a ${kindOf(value)}`,
        at([section]),
      );
    }
    for (const [name, body] of Object.entries(value as Record<string, unknown>)) {
      if (!dockerNamePattern.test(name)) {
        throw new StackmodError(
          "INVALID_NAME",
          `${section === "services" ? "service" : "network"} name ${JSON.stringify(name)} is not one Docker accepts (letters, digits, '_', '.', '-', starting with a letter or digit); rename it`,
          at([section], name),
        );
      }
      if (body !== null && kindOf(body) !== "mapping") {
        throw new StackmodError(
          "WRONG_TYPE",
          `\`${section}.${name}\` must be a mapping of its settings, but it is a ${kindOf(body)}`,
          at([section, name]),
        );
      }
    }
  }
  for (const section of ["services", "networks"] as const) {
    for (const [name, body] of Object.entries(
      (data[section] ?? {}) as Record<string, Record<string, unknown> | null>,
    )) {
      for (const [key, allowed] of Object.entries(fieldKinds[section])) {
        const value = body?.[key];
        if (value === undefined || value === null || allowed.includes(baseKind(value))) continue;
        throw new StackmodError(
          "WRONG_TYPE",
          `\`${section}.${name}.${key}\` must be ${allowed.map((kind: string) => `a ${kind}`).join(" or ")}, but it is a ${kindOf(value)}`,
          at([section, name, key]),
        );
      }
    }
  }
  for (const [name, body] of Object.entries((data.services ?? {}) as Record<string, Record<string, unknown> | null>)) {
    const networks = body?.networks;
    if (Array.isArray(networks)) {
      const seen = new Set<unknown>();
      networks.forEach((network, index) => {
        if (seen.has(network)) {
          throw new StackmodError(
            "DUPLICATE_ITEM",
            `service "${name}" lists the network ${JSON.stringify(network)} twice; docker refuses such a file ("array items must be unique"): remove one of them`,
            at(["services", name, "networks", index]),
          );
        }
        seen.add(network);
      });
    }
    const ports = body?.ports;
    if (!Array.isArray(ports)) continue;
    ports.forEach((port, index) => {
      const problem = portProblem(port);
      if (problem) {
        throw new StackmodError(
          "INVALID_PORT",
          `service "${name}": ${problem}`,
          at(["services", name, "ports", index]),
        );
      }
    });
  }
}

/** What is wrong with one `ports:` item, when a number in it is out of range. */
function portProblem(port: unknown): string | undefined {
  const numbers: [string, string][] = [];
  if (typeof port === "number") numbers.push(["target", String(port)]);
  else if (typeof port === "string") {
    if (port.includes("$")) return undefined;
    const { target, published } = splitShortPort(port);
    numbers.push(["target", target]);
    if (published !== undefined) numbers.push(["published", published]);
  } else if (kindOf(port) === "mapping") {
    for (const field of ["target", "published"] as const) {
      const value = (port as Record<string, unknown>)[field];
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

/** The settings stackmod reads, and the kinds Docker accepts for them. */
const fieldKinds = {
  services: {
    networks: ["list", "mapping"],
    ports: ["list"],
    network_mode: ["string"],
    deploy: ["mapping"],
    "x-stackmod": ["mapping"],
  },
  networks: { name: ["string"], external: ["boolean", "mapping", "string"], driver: ["string"] },
} as const satisfies Record<string, Record<string, readonly string[]>>;

function baseKind(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "mapping";
  return typeof value;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "list";
  if (value !== null && typeof value === "object") return "mapping";
  if (value === null) return "null";
  return `${typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? typeof value : "scalar"} (${JSON.stringify(value)})`;
}

function position(file: ParsedFile, path: (string | number)[], key?: string) {
  const resolver = file.resolver;
  const node = resolver.nodeAt(file.root, path);
  const keyNode =
    key !== undefined && isMap(node) ? (resolver.get(node, key)?.pair.key as Node | undefined) : undefined;
  return file.source.position(keyNode?.range?.[0] ?? node?.range?.[0] ?? 0);
}

function shapeError(error: z.core.$ZodError, parsed: ParsedFile): StackmodError {
  const resolver = parsed.resolver;
  const issue = error.issues[0]!;
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  let node: Node | null = parsed.root;
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const found = resolver.nodeAt(parsed.root, path.slice(0, depth));
    if (found) {
      node = found;
      break;
    }
  }
  const at = isPair(node) ? 0 : (node?.range?.[0] ?? 0);
  const where = path.length > 0 ? `\`${path.join(".")}\`` : "the top level";
  return new StackmodError("WRONG_TYPE", `${where}: ${describeIssue(issue)}`, parsed.source.position(at));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `expected ${issue.expected}, found something else`;
  if (issue.code === "invalid_union")
    return "has the wrong type (expected a list or a mapping of the documented shape)";
  return issue.message;
}
