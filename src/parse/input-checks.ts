import { isMap, type Node, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import type { SourceText } from "./source-text.js";
import { Resolver } from "./resolve.js";

/** Docker's own rule for service and network names (moby `RestrictedNamePattern`). */
export const dockerNamePattern = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

interface Checked {
  source: SourceText;
  doc: ConstructorParameters<typeof Resolver>[0];
  aliases: ConstructorParameters<typeof Resolver>[1];
  root: YAMLMap;
  /** The file's plain data, aliases and merges resolved (already bounded by the alias limit). */
  data: unknown;
}

/**
 * Checks the parts of the file stackmod relies on before anything reads them:
 * `services` and `networks` are mappings, names are names Docker accepts (so that
 * no name can carry shell or YAML syntax into generated text), ports are in range.
 */
export function checkInput(file: Checked): void {
  const resolver = new Resolver(file.doc, file.aliases);
  const at = (path: (string | number)[], key?: string) => position(file, resolver, path, key);
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
    const parts = port.split("/")[0]!.split(":");
    numbers.push(["target", parts[parts.length - 1]!]);
    if (parts.length >= 2) numbers.push(["published", parts[parts.length - 2]!]);
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

function position(file: Checked, resolver: Resolver, path: (string | number)[], key?: string) {
  const node = resolver.nodeAt(file.root, path);
  const keyNode =
    key !== undefined && isMap(node) ? (resolver.get(node, key)?.pair.key as Node | undefined) : undefined;
  return file.source.position(keyNode?.range?.[0] ?? node?.range?.[0] ?? 0);
}
