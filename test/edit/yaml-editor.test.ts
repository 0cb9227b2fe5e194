import { describe, expect, it } from "vitest";
import { isMap, isPair, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from "yaml";
import { parseStackFile } from "../../src/parse/parse.js";
import { detectStyle, keyStart, nodeStart } from "../../src/edit/style.js";
import { YamlEditor } from "../../src/edit/yaml-editor.js";

/** A text of whole lines, each ended by "\n". */
const y = (...lines: string[]): string => lines.map((line) => `${line}\n`).join("");

/** The editor of a text, and the node at a path of keys and indexes (no aliases or merges followed). */
function open(text: string) {
  const parsed = parseStackFile(text, "t.yml");
  const editor = new YamlEditor(parsed.source, detectStyle(parsed.root, parsed.source));
  const at = (...path: (string | number)[]): Node => {
    const node = parsed.doc.getIn(path, true) as Node | undefined;
    if (!node) throw new Error(`nothing at ${path.join(".")}`);
    return node;
  };
  const map = (...path: (string | number)[]): YAMLMap => {
    const node = path.length === 0 ? parsed.root : at(...path);
    if (!isMap(node)) throw new Error(`not a mapping at ${path.join(".")}`);
    return node;
  };
  const seq = (...path: (string | number)[]): YAMLSeq => {
    const node = at(...path);
    if (!isSeq(node)) throw new Error(`not a list at ${path.join(".")}`);
    return node;
  };
  const pair = (owner: YAMLMap, key: string): Pair => {
    const found = owner.items.find((item) => isPair(item) && String((item.key as { value: unknown }).value) === key);
    if (!found) throw new Error(`no key ${key}`);
    return found;
  };
  return { editor, at, map, seq, pair };
}

describe("YamlEditor.remove", () => {
  it("removes a block list item with its comment, and nothing else", () => {
    const text = y("services:", "  a:", "    ports:", '      - "80" # web', "      # kept", '      - "443"');
    const { editor, seq } = open(text);
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[0] as Node);
    expect(editor.result()).toBe(y("services:", "  a:", "    ports:", "      # kept", '      - "443"'));
  });

  it("removes an item from its dash, tag and anchor included", () => {
    const text = y("services:", "  a:", "    ports:", "      - !!str &p 80", "      - 443", "  b:", "    ports: [*p]");
    const { editor, seq } = open(text);
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[0] as Node);
    expect(editor.result()).toBe(y("services:", "  a:", "    ports:", "      - 443", "  b:", "    ports: [*p]"));
  });

  it("removes the last line of a file that has no final newline, still without one", () => {
    const { editor, seq } = open("services:\n  a:\n    ports:\n      - 80\n      - 443");
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[1] as Node);
    expect(editor.result()).toBe("services:\n  a:\n    ports:\n      - 80");
  });

  it("removes a pair with its whole block value", () => {
    const text = y("services:", "  a:", "    deploy:", "      mode: global", "      labels: [x]", "    image: x");
    const { editor, map, pair } = open(text);
    const a = map("services", "a");
    editor.remove(a, pair(a, "deploy"));
    expect(editor.result()).toBe(y("services:", "  a:", "    image: x"));
  });

  it("removes an explicit key (`? k`) from its question mark", () => {
    const text = y("services:", "  a:", "    ? image", "    : x", "    user: root");
    const { editor, map, pair } = open(text);
    const a = map("services", "a");
    editor.remove(a, pair(a, "image"));
    expect(editor.result()).toBe(y("services:", "  a:", "    user: root"));
  });

  it("removes flow items with the right comma: first, middle, last, and the last two", () => {
    const text = y("services:", "  a:", "    networks: [one, !!str two, three, four]");
    const cases: [number[], string][] = [
      [[0], "[!!str two, three, four]"],
      [[1], "[one, three, four]"],
      [[3], "[one, !!str two, three]"],
      [[2, 3], "[one, !!str two]"],
      [[1, 2, 3], "[one]"],
    ];
    for (const [indexes, written] of cases) {
      const { editor, seq } = open(text);
      const networks = seq("services", "a", "networks");
      for (const index of indexes) editor.remove(networks, networks.items[index] as Node);
      expect(editor.result(), String(indexes)).toBe(`services:\n  a:\n    networks: ${written}\n`);
    }
  });

  it("removes the last flow item after a comment: the comma goes, the comment stays with its item", () => {
    const text = y(
      "services:",
      "  a:",
      "    ports: [",
      '      "53", # don\'t: a quote in a comment',
      "      9153 # metrics",
      "    ]",
    );
    const { editor, seq } = open(text);
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[1] as Node);
    editor.append(ports, ["80:80"]);
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    ports: [",
        '      "53", "80:80" # don\'t: a quote in a comment',
        "       # metrics",
        "    ]",
      ),
    );
  });

  it("removes a pair of a flow mapping", () => {
    const { editor, map, pair } = open(y("services:", "  a: {image: x, user: root, init: true}"));
    const a = map("services", "a");
    editor.remove(a, pair(a, "user"));
    expect(editor.result()).toBe(y("services:", "  a: {image: x, init: true}"));
  });

  it("keeps CRLF line ends", () => {
    const { editor, seq } = open(y("services:\r", "  a:\r", "    ports:\r", "      - 80\r", "      - 443\r"));
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[0] as Node);
    expect(editor.result()).toBe(y("services:\r", "  a:\r", "    ports:\r", "      - 443\r"));
  });
});

describe("YamlEditor: adding", () => {
  // `443:443` is quoted: YAML 1.1 reads it as a base-60 number.
  it("appends to a block list at its items' column, after the last item's comment", () => {
    const text = y("services:", "  a:", "    ports:", "    - 80 # web", "    image: x");
    const { editor, seq } = open(text);
    editor.append(seq("services", "a", "ports"), ["443:443", { target: 53, protocol: "udp" }]);
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    ports:",
        "    - 80 # web",
        '    - "443:443"',
        "    - target: 53",
        "      protocol: udp",
        "    image: x",
      ),
    );
  });

  it("appends to a block list after an item whose first key carries an anchor, at the items' column", () => {
    const { editor, seq } = open(
      y("services:", "  a:", "    ports:", "      - &p target: 1502", "        published: 1502"),
    );
    editor.append(seq("services", "a", "ports"), [{ target: 20000, protocol: "udp" }]);
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    ports:",
        "      - &p target: 1502",
        "        published: 1502",
        "      - target: 20000",
        "        protocol: udp",
      ),
    );
  });

  it("appends to a flow list and to an empty one", () => {
    const { editor, seq } = open(y("services:", "  a:", "    ports: [80]", "    dns: []"));
    editor.append(seq("services", "a", "ports"), ["443", 53]);
    editor.append(seq("services", "a", "dns"), ["1.1.1.1"]);
    expect(editor.result()).toBe(y("services:", "  a:", '    ports: [80, "443", 53]', '    dns: ["1.1.1.1"]'));
  });

  it("appends to a flow list after its last kept item when the last ones are removed", () => {
    const text = y("services:", "  a:", "    ports: [80, # web", "      9153, # metrics", "      53, # dns", "    ]");
    const { editor, seq } = open(text);
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[2] as Node);
    editor.remove(ports, ports.items[1] as Node);
    editor.append(ports, [443]);
    expect(editor.result()).toBe(
      y("services:", "  a:", "    ports: [80, 443, # web", "      # metrics", "      # dns", "    ]"),
    );
  });

  it("appends to a flow list whose every item is removed", () => {
    const { editor, seq } = open(y("services:", "  a:", "    ports: [80, 9153]"));
    const ports = seq("services", "a", "ports");
    editor.remove(ports, ports.items[0] as Node);
    editor.remove(ports, ports.items[1] as Node);
    editor.append(ports, [443]);
    expect(editor.result()).toBe(y("services:", "  a:", "    ports: [443]"));
  });

  it("adds a pair at the end of a block mapping in the file's indentation, CRLF kept", () => {
    const { editor, map } = open(y("services:\r", "   a:\r", "      image: x # pinned\r"));
    editor.addPair(map("services", "a"), "networks", ["backend"]);
    expect(editor.result()).toBe(
      y("services:\r", "   a:\r", "      image: x # pinned\r", "      networks:\r", "         - backend\r"),
    );
  });

  it("adds a pair after the last one of a file without a final newline, still without one", () => {
    const { editor, map } = open("services:\n  a:\n    image: x");
    editor.addPair(map("services", "a"), "init", true);
    expect(editor.result()).toBe("services:\n  a:\n    image: x\n    init: true");
  });

  // `y` is quoted: YAML 1.1 reads it as true.
  it("adds pairs to a flow mapping and to an empty one", () => {
    const { editor, map } = open(y("services:", "  a: {image: x}", "  b: {}"));
    editor.addPair(map("services", "a"), "ports", ["80"]);
    editor.addPair(map("services", "b"), "image", "y");
    expect(editor.result()).toBe(y("services:", '  a: {image: x, ports: ["80"]}', '  b: {image: "y"}'));
  });

  it("adds pairs after a given one, keeping a blank line between services", () => {
    const text = y("services:", "  a:", "    image: x", "", "  b:", "    image: y");
    const { editor, map, pair } = open(text);
    editor.addPairsAfter(map("services"), pair(map("services"), "a"), [
      ["a-proxy", { image: "socat" }],
      ["a-queue", { image: "nats" }],
    ]);
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    image: x",
        "",
        "  a-proxy:",
        "    image: socat",
        "",
        "  a-queue:",
        "    image: nats",
        "",
        "  b:",
        "    image: y",
      ),
    );
  });

  it("adds pairs after a tagged, anchored key of a flow mapping", () => {
    const { editor, map, pair } = open(y("services: {!!str &k a: {image: x}, b: {image: y}}"));
    editor.addPairsAfter(map("services"), pair(map("services"), "a"), [["c", { image: "z" }]]);
    expect(editor.result()).toBe(y("services: {!!str &k a: {image: x}, c: {image: z}, b: {image: y}}"));
  });

  it("inserts lines in order when two additions land at one offset", () => {
    const { editor, map } = open(y("services:", "  a:", "    image: x"));
    const a = map("services", "a");
    editor.addPair(a, "init", true);
    editor.addPair(a, "user", "root");
    expect(editor.result()).toBe(y("services:", "  a:", "    image: x", "    init: true", "    user: root"));
  });
});

describe("YamlEditor: replacing", () => {
  it("replaces a pair in block style, from the tag of its key, comment lines after it kept", () => {
    const text = y("services:", "  a:", "    !!str ports: &p", "      - 80", "    # about image", "    image: x");
    const { editor, map, pair } = open(text);
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "ports"), "ports", ["443"]);
    expect(editor.result()).toBe(
      y("services:", "  a:", "    ports:", '      - "443"', "    # about image", "    image: x"),
    );
  });

  it("replaces the last pair of a file without a final newline, still without one", () => {
    const { editor, map, pair } = open("services:\n  a:\n    image: x");
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "image"), "image", "nginx");
    expect(editor.result()).toBe("services:\n  a:\n    image: nginx");
  });

  it("replaces a pair of a flow mapping in flow style", () => {
    const { editor, map, pair } = open(y("services:", "  a: {image: x, ports: [80]}"));
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "ports"), "ports", [{ target: 80, published: 8080 }]);
    expect(editor.result()).toBe(y("services:", "  a: {image: x, ports: [{target: 80, published: 8080}]}"));
  });

  it("replaces the first pair of an explicit key's value on the line of its `:`, which stays, with its comment", () => {
    const text = y(
      "services:",
      "  a:",
      "    deploy:",
      "      ? placement",
      "      : constraints: # where",
      "          - node.role == worker",
      "        preferences:",
      "          - spread: node.labels.zone",
    );
    const { editor, map, pair } = open(text);
    const placement = map("services", "a", "deploy", "placement");
    editor.replacePair(placement, pair(placement, "constraints"), "constraints", ["node.hostname == edge-1"]);
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    deploy:",
        "      ? placement",
        "      : constraints: # where",
        "          - node.hostname == edge-1",
        "        preferences:",
        "          - spread: node.labels.zone",
      ),
    );
  });

  it("replaces a pair on the line of a list item's dash, and an explicit key with its tag and anchor", () => {
    const text = y(
      "services:",
      "  a:",
      "    ? !!str &k image",
      "    : x # old",
      "    configs:",
      "      - source: c",
      "        target: /c",
    );
    const { editor, map, pair } = open(text);
    const a = map("services", "a");
    const item = map("services", "a", "configs", 0);
    editor.replacePair(item, pair(item, "source"), "source", { name: "d" });
    editor.replacePair(a, pair(a, "image"), "image", "nginx");
    expect(editor.result()).toBe(
      y(
        "services:",
        "  a:",
        "    image: nginx",
        "    configs:",
        "      - source:",
        "          name: d",
        "        target: /c",
      ),
    );
  });

  it("replaces the pair of an explicit key in a flow mapping from its `?`", () => {
    const { editor, map, pair } = open(y("services:", "  a: {? image: x, init: true}"));
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "image"), "image", "nginx");
    editor.remove(a, pair(a, "init"));
    expect(editor.result()).toBe(y("services:", "  a: {image: nginx}"));
  });

  it("replaces an alias or a scalar with a flow value", () => {
    const text = y("x-p: &p [80]", "services:", "  a:", "    ports: *p", "    init: false");
    const { editor, at } = open(text);
    editor.replaceWithFlow(at("services", "a", "ports"), ["80", "443"]);
    editor.replaceWithFlow(at("services", "a", "init"), true);
    expect(editor.result()).toBe(y("x-p: &p [80]", "services:", "  a:", '    ports: ["80", "443"]', "    init: true"));
  });

  it("refuses two replacements of one node when the text is made", () => {
    const text = y("services:", "  a:", "    image: x");
    const { editor, at } = open(text);
    editor.replaceWithFlow(at("services", "a", "image"), "nginx");
    editor.replaceWithFlow(at("services", "a", "image"), "redis");
    expect(() => editor.result()).toThrow(`internal: overlapping edits at offset ${text.indexOf("x")}`);
  });
});

describe("YamlEditor: a comment on a replaced line stays on it", () => {
  it("keeps the comment of a replaced key's own line, after a one-line value or above a block one", () => {
    const text = y("services:", "  a:", "    image: x  # pinned", '    ports: ["80"]\t# why', "    networks: # LAN");
    const { editor, map, pair } = open(text + y("      - backend", "      - host # leaves"));
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "image"), "image", "nginx");
    editor.replacePair(a, pair(a, "ports"), "ports", ["8080:80"]);
    editor.replacePair(a, pair(a, "networks"), "networks", { backend: {} });
    expect(editor.result()).toBe(
      y("services:", "  a:", "    image: nginx  # pinned", "    ports:\t# why", '      - "8080:80"') +
        y("    networks: # LAN", "      backend: {}"),
    );
  });

  it("takes no `#` inside quotes for a comment, a doubled single quote included; CRLF kept", () => {
    const text = y("services:\r", "  a:\r", "    command: 'it''s # not' # it is\r", '    entrypoint: "a # b"\r');
    const { editor, map, pair } = open(text);
    const a = map("services", "a");
    editor.replacePair(a, pair(a, "command"), "command", ["run"]);
    editor.replacePair(a, pair(a, "entrypoint"), "entrypoint", "sh");
    expect(editor.result()).toBe(
      y("services:\r", "  a:\r", "    command: # it is\r", "      - run\r", "    entrypoint: sh\r"),
    );
  });

  it("keeps the comment of a multi-line list item's first line, and of an item becoming an entry", () => {
    const text = y("services:", "  a:", "    ports:", "      - target: 80 # web", "        published: 8080");
    const { editor, seq } = open(text + y("    networks:", "      - backend # main", "      - host"));
    const ports = seq("services", "a", "ports");
    editor.replaceItem(ports, ports.items[0] as Node, ["8080:80"]);
    const networks = seq("services", "a", "networks");
    editor.replaceItemByEntry(networks.items[0] as Node, "backend", { aliases: ["a"] }, 6);
    expect(editor.result()).toBe(
      y("services:", "  a:", "    ports:", '      - "8080:80" # web', "    networks:", "      backend: # main") +
        y("        aliases:", "          - a", "      - host"),
    );
  });
});

describe("nodeStart and keyStart", () => {
  it("start at a tag or an anchor written right after `[`, `,` or `{`, a verbatim tag's comma included", () => {
    const text = y(
      "services:",
      "  a:",
      "    networks: [!!str a,&p b, !<tag:yaml.org,2002:str> c,!!str &q d]",
      "    x: {!!str k: v}",
    );
    const { editor, map, seq } = open(text);
    const networks = seq("services", "a", "networks");
    const starts = networks.items.map((item) => text.slice(nodeStart(editor.source, item as Node)).split(/[\]]/)[0]);
    expect(starts).toEqual([
      "!!str a,&p b, !<tag:yaml.org,2002:str> c,!!str &q d",
      "&p b, !<tag:yaml.org,2002:str> c,!!str &q d",
      "!<tag:yaml.org,2002:str> c,!!str &q d",
      "!!str &q d",
    ]);
    const x = map("services", "a", "x");
    expect(text.slice(keyStart(editor.source, x.items[0]!))).toBe("!!str k: v}\n");
    editor.remove(networks, networks.items[3] as Node);
    editor.remove(networks, networks.items[0] as Node);
    expect(editor.result()).toBe(
      y("services:", "  a:", "    networks: [&p b, !<tag:yaml.org,2002:str> c]", "    x: {!!str k: v}"),
    );
  });

  it("take no word of the value before for a node's properties: a node without them starts at its range", () => {
    const text = y(
      "services:",
      "  a:",
      "    command:",
      "      - echo a,&x",
      "      - b",
      "      - &y # why",
      "        c",
    );
    const { editor, seq } = open(text);
    const items = seq("services", "a", "command").items as Node[];
    expect(text.slice(nodeStart(editor.source, items[1]!))).toBe(y("b", "      - &y # why", "        c"));
    expect(text.slice(nodeStart(editor.source, items[2]!))).toBe(y("&y # why", "        c"));
  });
});

describe("YamlEditor.addPairs", () => {
  it("adds to a flow mapping in one insertion, with a comma only after an existing pair", () => {
    const entries: [string, { driver: string } | null][] = [
      ["lan", { driver: "macvlan" }],
      ["q", null],
    ];
    const text = y("networks: {front: {}}", "volumes: {}");
    const { editor, map } = open(text);
    editor.addPairs(map("networks"), entries);
    editor.addPairs(map("volumes"), entries);
    expect(editor.result()).toBe(
      y("networks: {front: {}, lan: {driver: macvlan}, q: null}", "volumes: {lan: {driver: macvlan}, q: null}"),
    );
    expect(editor.list()).toHaveLength(2);
  });

  it("adds one block entry each to a block mapping, in the file's line ends", () => {
    const text = y("networks:\r", "  front: {}\r", "services: {}\r");
    const { editor, map } = open(text);
    editor.addPairs(map("networks"), [
      ["lan", { driver: "macvlan" }],
      ["back", {}],
    ]);
    expect(editor.result()).toBe(
      y("networks:\r", "  front: {}\r", "  lan:\r", "    driver: macvlan\r", "  back: {}\r", "services: {}\r"),
    );
  });

  it("asks the guard about the flow mapping's first byte, then about the insertion", () => {
    const text = y("networks: {front: {}}");
    const { editor, map } = open(text);
    const asked: number[][] = [];
    editor.guard = (start, end) => void asked.push([start, end]);
    editor.addPairs(map("networks"), [["lan", {}]]);
    const open_ = text.indexOf("{");
    const end = text.indexOf("}") + 1;
    expect(asked).toEqual([
      [open_, open_ + 1],
      [end, end],
    ]);
  });
});

describe("YamlEditor.blockEnd", () => {
  it("ends a block after its last line's comment, before the comment lines and blank lines that follow", () => {
    const text = y("services:", "  a:", "    ports:", "      - 80 # web", "", "    # next", "    image: x");
    const { editor, at } = open(text);
    expect(text.slice(0, editor.blockEnd(at("services", "a", "ports")))).toBe(
      y("services:", "  a:", "    ports:", "      - 80 # web"),
    );
  });
});

describe("YamlEditor and the guard", () => {
  it("asks the guard about a collection's first byte when it grows at its end", () => {
    const text = y("services:", "  a:", "    ports: [80]");
    const { editor, seq, map } = open(text);
    const asked: number[][] = [];
    editor.guard = (start, end) => void asked.push([start, end]);
    const ports = seq("services", "a", "ports");
    editor.append(ports, [443]);
    editor.addPair(map("services", "a"), "init", true);
    const portsStart = text.indexOf("[");
    const aStart = text.indexOf("ports");
    expect(asked).toEqual([
      [portsStart, portsStart + 1],
      [portsStart + 3, portsStart + 3],
      [aStart, aStart + 1],
      [text.length, text.length],
    ]);
  });
});

// Every edit is made against the text with a final line break and the result ends as the file did: the last line's
// removal takes no line break that an edit of the line before it (its end) also touches.
describe("YamlEditor: edits at the end of a file without a final newline", () => {
  const text = "services:\n  a:\n    networks:\n      - backend\n      - hostnet";

  it("removes the last item and rewrites the one before it", () => {
    const { editor, seq } = open(text);
    const networks = seq("services", "a", "networks");
    editor.remove(networks, networks.items[1] as Node);
    editor.replaceItem(networks, networks.items[0] as Node, ["backend", "lan"]);
    expect(editor.result()).toBe("services:\n  a:\n    networks:\n      - backend\n      - lan");
  });

  it("removes the last item and replaces the pair before it", () => {
    const { editor, map, pair } = open("services:\n  a:\n    image: x\n    user: root");
    const a = map("services", "a");
    editor.remove(a, pair(a, "user"));
    editor.replacePair(a, pair(a, "image"), "deploy", { mode: "global" });
    expect(editor.result()).toBe("services:\n  a:\n    deploy:\n      mode: global");
  });

  it("removes the last pair and keeps lines added at the end of the list before it", () => {
    const { editor, map, pair, seq } = open("services:\n  a:\n    networks:\n      - backend\n    user: root");
    const a = map("services", "a");
    editor.remove(a, pair(a, "user"));
    editor.append(seq("services", "a", "networks"), ["lan"]);
    expect(editor.result()).toBe("services:\n  a:\n    networks:\n      - backend\n      - lan");
  });

  it("removes the last item and adds pairs after it, with no blank line between", () => {
    const { editor, map, seq } = open(text);
    const networks = seq("services", "a", "networks");
    editor.remove(networks, networks.items[1] as Node);
    editor.addPair(map("services", "a"), "init", true);
    expect(editor.result()).toBe("services:\n  a:\n    networks:\n      - backend\n    init: true");
  });

  it("keeps CRLF line ends and no final one", () => {
    const { editor, seq } = open(text.replace(/\n/g, "\r\n"));
    const networks = seq("services", "a", "networks");
    editor.remove(networks, networks.items[1] as Node);
    editor.append(networks, ["lan"]);
    expect(editor.result()).toBe("services:\r\n  a:\r\n    networks:\r\n      - backend\r\n      - lan");
  });
});
