import { isMap, isSeq, parseDocument, type YAMLMap } from "yaml";
import type { Random } from "./random.js";

/**
 * Mutations of real stack files, each of a kind that has found a defect in a fuzz
 * campaign: structure that gives a service a conflict (host plus another network,
 * none, network_mode), anchors and merges shared between services, tags, anchors and
 * explicit keys next to edited nodes, flow style, the line breaks and values where
 * yaml (1.2) and go-yaml (1.1) differ, and byte-level damage (lines dropped,
 * duplicated, re-indented; CRLF, BOM, final newline).
 */
export type Mutation = (text: string, random: Random) => string;

const hostDeclaration = { external: true, name: "host" };

/** Through yaml's Document (the result is valid YAML): give a service the host network beside its others. */
const addHost: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const services = doc.get("services");
  if (!isMap(services) || services.items.length === 0) return text;
  const pair = random.pick(services.items);
  if (!isMap(pair.value)) return text;
  const body = pair.value as YAMLMap;
  const networks = body.get("networks");
  const key = random.pick(["hostnet", "host_net", "lan"]);
  if (isSeq(networks)) networks.add(key);
  else if (isMap(networks)) networks.set(key, null);
  else body.set("networks", [key, "backend"]);
  if (!doc.hasIn(["networks", key])) doc.setIn(["networks", key], hostDeclaration);
  if (!doc.hasIn(["networks", "backend"])) doc.setIn(["networks", "backend"], { driver: "overlay" });
  if (random.chance(0.5)) body.set("x-stackmod", { ports: [random.pick(["47808/udp", "502", "8123", "161/UDP"])] });
  return doc.toString();
};

const addNone: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const services = doc.get("services");
  if (!isMap(services) || services.items.length === 0) return text;
  const body = random.pick(services.items).value;
  if (!isMap(body)) return text;
  const networks = body.get("networks");
  if (isSeq(networks)) networks.add("nonet");
  else body.set("networks", ["nonet", "backend"]);
  doc.setIn(["networks", "nonet"], { external: true, name: "none" });
  if (!doc.hasIn(["networks", "backend"])) doc.setIn(["networks", "backend"], { driver: "overlay" });
  return doc.toString();
};

const networkModeHost: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const services = doc.get("services");
  if (!isMap(services) || services.items.length === 0) return text;
  const body = random.pick(services.items).value;
  if (!isMap(body)) return text;
  body.set("network_mode", "host");
  return doc.toString();
};

/** One service's body becomes an anchor that another service merges (or aliases a part of). */
const share: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const services = doc.get("services");
  if (!isMap(services) || services.items.length < 2) return text;
  const [a, b] = [random.pick(services.items), random.pick(services.items)];
  if (a === b || !isMap(a.value) || !isMap(b.value)) return text;
  const anchor = `s${random.int(100)}`;
  const part = random.pick(["body", ...a.value.items.map((p) => String((p.key as { value?: unknown }).value))]);
  const node = part === "body" ? a.value : a.value.get(part, true);
  if (!node || typeof node !== "object" || !("anchor" in node)) return text;
  (node as { anchor?: string }).anchor = anchor;
  if (part === "body") b.value.set("<<", doc.createAlias(a.value, anchor));
  else b.value.set(part, doc.createAlias(node as YAMLMap, anchor));
  return doc.toString();
};

/** Text-level: a tag or an anchor before a list item or a value. */
const props: Mutation = (text, random) => {
  const lines = text.split("\n");
  const candidates = lines.flatMap((line, index) => (/^\s*- \S|: \S/.test(line) ? [index] : []));
  if (candidates.length === 0) return text;
  const index = random.pick(candidates);
  const prop = random.pick(["!!str ", `&p${random.int(50)} `, "!!str &q ", "!!merge "]);
  lines[index] = lines[index]!.replace(/^(\s*- |[^:]*: )/, `$1${prop}`);
  return lines.join("\n");
};

/** `  name:` over a body becomes `  ? name` / `  : first-key: ...`. */
const explicitKey: Mutation = (text, random) => {
  const lines = text.split("\n");
  const candidates = lines.flatMap((line, index) => {
    const key = /^( +)([A-Za-z0-9_.-]+):\s*$/.exec(line);
    const next = lines[index + 1] ?? "";
    return key && next.startsWith(`${key[1]}  `) && !next.trimStart().startsWith("-") ? [index] : [];
  });
  if (candidates.length === 0) return text;
  const index = random.pick(candidates);
  const [, indent, name] = /^( +)([A-Za-z0-9_.-]+):/.exec(lines[index]!)!;
  lines.splice(index, 2, `${indent}? ${name}`, `${indent}: ${lines[index + 1]!.trimStart()}`);
  return lines.join("\n");
};

/** A block mapping or list written in flow style (yaml prints it). */
const flowStyle: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const targets: { flow?: boolean }[] = [];
  const services = doc.get("services");
  if (isMap(services)) {
    targets.push(services);
    for (const pair of services.items) {
      if (!isMap(pair.value)) continue;
      targets.push(pair.value);
      const networks = pair.value.get("networks", true);
      if (isSeq(networks) || isMap(networks)) targets.push(networks);
    }
  }
  if (targets.length === 0) return text;
  random.pick(targets).flow = true;
  return doc.toString();
};

/** Where yaml and go-yaml read the same bytes differently, or docker normalises. */
const divergent: Mutation = (text, random) => {
  const lines = text.split("\n");
  const index = random.int(lines.length);
  switch (random.int(5)) {
    case 0: {
      const breaker = random.pick(["\u0085", "\u2028", "\u2029"]);
      lines[index] = `${lines[index]} # note${breaker}`;
      break;
    }
    case 1:
      return text.replace(/\/udp\b/, "/UDP").replace(/\/tcp\b/, "/Tcp");
    case 2:
      return text.replace(/: (\d+)$/m, ": 9007199254740993");
    case 3:
      lines.splice(index, 0, lines[index]!.replace(/\S.*$/, "<<: 5"));
      break;
    default:
      lines[index] = lines[index]!.replace(/^(\s*)(\S)/, "$1\t$2");
  }
  return lines.join("\n");
};

/** Byte-level damage, and the file's framing. */
const damage: Mutation = (text, random) => {
  const lines = text.split("\n");
  const index = random.int(lines.length);
  switch (random.int(7)) {
    case 0:
      lines.splice(index, 1);
      break;
    case 1:
      lines.splice(index, 0, lines[index] ?? "");
      break;
    case 2:
      lines[index] = `  ${lines[index]}`;
      break;
    case 3:
      lines[index] = (lines[index] ?? "").replace(/^ {2}/, "");
      break;
    case 4:
      return text.replace(/\r?\n/g, "\r\n");
    case 5:
      return text.startsWith("\uFEFF") ? text : `\uFEFF${text}`;
    default:
      return text.replace(/\n+$/, "");
  }
  return lines.join("\n");
};

export const mutations: Record<string, Mutation> = {
  addHost,
  addNone,
  networkModeHost,
  share,
  props,
  explicitKey,
  flowStyle,
  divergent,
  damage,
};

/** One to three mutations, the first always one that gives some service a conflict. */
export function mutate(text: string, random: Random): { text: string; applied: string[] } {
  const applied: string[] = [];
  let result = text;
  const names = Object.keys(mutations);
  const count = 1 + random.int(3);
  for (let step = 0; step < count; step += 1) {
    const name = step === 0 ? random.pick(["addHost", "addHost", "addNone", "networkModeHost"]) : random.pick(names);
    try {
      result = mutations[name]!(result, random);
      applied.push(name);
    } catch {
      // The seed did not parse (an earlier damage step): text-level mutations only from here.
      if (name === "damage" || name === "props" || name === "divergent") continue;
    }
  }
  return { text: result, applied };
}
