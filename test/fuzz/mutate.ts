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

/**
 * Plain scalars go-yaml reads otherwise than yaml (1.2) does, or refuses (src/parse/docker-scalars.ts):
 * YAML 1.1 and 1.2 integers, floats, timestamps and `!!binary`, written where docker reads a number, a
 * name or a flag.
 */
const numberShapes = [
  "0x50",
  "0o17",
  "0b101",
  "0755",
  "1_000",
  "+0x50",
  "08",
  "09",
  ".inf",
  "-.inf",
  ".nan",
  "+80",
  "80.0",
  "8e1",
  "0x1F90",
  "1_0",
  "0b1_0",
];
const nameShapes = [
  "0x50",
  "0o17",
  "0755",
  "1_000",
  "08",
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  ".inf",
  ".NaN",
  "!!binary aG9zdA==",
  "!!binary bmV0",
  "0b101",
  "+0x50",
  "1e3",
  "yes",
  "On",
  "~",
];
const flagShapes = [
  "yes",
  "On",
  "off",
  "y",
  "!!bool true",
  "1",
  "0x1",
  "!!binary dHJ1ZQ==",
  "2001-12-14",
  "TRUE",
  ".inf",
];
const modeShapes = [
  "!!binary Z2xvYmFs",
  "!!binary cmVwbGljYXRlZA==",
  "0x1",
  "2001-12-14",
  ".inf",
  "08",
  "Global",
  "!!str global",
  "global ",
];

/** A line's value, or a list item, of one of the kinds docker reads as a number, a name or a flag, in a new shape. */
const dockerShapes: Mutation = (text, random) => {
  const lines = text.split("\n");
  const kinds: [RegExp, readonly string[]][] = [
    [/^(\s*(?:published|target|- published|- target):\s*)(\S+)(.*)$/, numberShapes],
    [/^(\s*-\s+)(\d+)(\s*(?:#.*)?)$/, numberShapes],
    [/^(\s*-\s+["']?)(\d+)(:\d+.*)$/, numberShapes],
    [/^(\s*external:\s*)(\S+)(.*)$/, flagShapes],
    [/^(\s*mode:\s*)(\S+)(.*)$/, modeShapes],
    [/^(\s*name:\s*)(\S+)(.*)$/, nameShapes],
    [/^(\s*(?:driver|network_mode):\s*)(\S+)(.*)$/, nameShapes],
  ];
  const candidates = lines.flatMap((line, index) =>
    kinds.flatMap(([pattern, shapes]) => (pattern.test(line) ? [{ index, pattern, shapes }] : [])),
  );
  if (candidates.length === 0) return text;
  const { index, pattern, shapes } = random.pick(candidates);
  lines[index] = lines[index]!.replace(pattern, (_, before: string, _value: string, after: string) => {
    const shape = random.pick(shapes);
    // A shape inside a quoted port stays inside its quotes; a tag cannot be.
    return `${before}${/["']$/.test(before) ? shape.replace(/^!!\S+ /, "") : shape}${after}`;
  });
  return lines.join("\n");
};

/** A network's or a service's name, key and every reference alike, renamed to a shape go-yaml reads otherwise. */
const shapeName: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const section = random.pick(["networks", "services"]);
  const map = doc.get(section);
  if (!isMap(map) || map.items.length === 0) return text;
  const name = String((random.pick(map.items).key as { value?: unknown })?.value ?? "");
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) || ["host", "none", "bridge"].includes(name)) return text;
  const shape = random.pick(nameShapes);
  // Every word-bounded occurrence as a key or plain value; sometimes only the key (a reference left dangling).
  const pattern = new RegExp(`(^|[\\s\\[{,:-])${name}(?=\\s*(?::(?:\\s|$)|$|[\\]},#]))`, "gm");
  let seen = 0;
  const once = random.chance(0.2);
  return text.replace(pattern, (whole, before: string) => {
    seen += 1;
    return once && seen > 1 ? whole : `${before}${shape}`;
  });
};

/** A service's x-stackmod block with ports written in these shapes (and sometimes its top-level block). */
const optionShapes: Mutation = (text, random) => {
  const doc = parseDocument(text);
  const services = doc.get("services");
  if (!isMap(services) || services.items.length === 0) return text;
  const pair = random.pick(services.items);
  if (!isMap(pair.value)) return text;
  const marker = `shape${random.int(1_000_000)}marker`;
  const ports = doc.createNode([marker]);
  ports.flow = true;
  (pair.value as YAMLMap).set("x-stackmod", doc.createNode({ ports }));
  const port = () =>
    random.pick([
      random.pick(numberShapes),
      `"${random.pick(numberShapes)}/udp"`,
      `${random.pick(numberShapes)}/tcp`,
      `{ target: ${random.pick(numberShapes)}, protocol: ${random.pick(["udp", "UDP", "0x50", "!!binary dWRw"])} }`,
      "!!binary NTAy",
      "2001-12-14",
    ]);
  const items = Array.from({ length: 1 + random.int(3) }, port).join(", ");
  return doc.toString().replace(marker, items);
};

/** A key that is a list or a mapping, which docker refuses ('yaml: invalid map key'). */
const collectionKey: Mutation = (text, random) => {
  const lines = text.split("\n");
  const candidates = lines.flatMap((line, index) => (/^( *)[A-Za-z0-9_.-]+:(\s|$)/.test(line) ? [index] : []));
  if (candidates.length === 0) return text;
  const index = random.pick(candidates);
  const indent = /^( *)/.exec(lines[index]!)![1]!;
  const key = random.pick(["? [a, b]: x", "? [ --community ]\n: x", "{a: 1}: x", "[0x50, 08]: y", "? {a: 1}\n: x"]);
  lines.splice(index, 0, ...key.split("\n").map((l) => `${indent}${l}`));
  return lines.join("\n");
};

/** A syntax error (or two) part-way through: everything after the first is never read. */
const syntaxError: Mutation = (text, random) => {
  const lines = text.split("\n");
  const errors = ["x: [", "- ]", "a: b: c", "  }", "x: - - -", "&a", "*", "? ? ?", ": :", "'open", 'x: "\\q"'];
  for (let n = 1 + random.int(2); n > 0; n -= 1) {
    const index = random.int(lines.length + 1);
    const indent = /^( *)/.exec(lines[index] ?? "")![1]!;
    lines.splice(index, 0, `${indent}${random.pick(errors)}`);
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
  dockerShapes,
  shapeName,
  optionShapes,
  collectionKey,
  syntaxError,
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
