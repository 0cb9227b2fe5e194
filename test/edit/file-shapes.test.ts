import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadModel } from "../../src/model/load.js";
import type { Attachment, ServiceModel } from "../../src/model/types.js";
import { ServiceEdits } from "../../src/edit/service-edits.js";
import { stackConfig } from "../helpers/stack-config.js";

/**
 * Every ServiceEdits operation, on the file's last service, in each shape a file may have around it:
 * CRLF line ends, no final newline, a document end marker (`...`, with `---` before), a comment block
 * after the last service, tabs after `:`. The shape must change nothing but itself: the output of a
 * shaped file is, byte for byte, the output of the plain file in the same shape. Every output reads
 * (yaml, one document, no error or warning) as the data the operation means, keeps the comments of
 * the lines it does not remove, and is read by `docker stack config` as the plain output is.
 */

type Data = { services: Record<string, Record<string, unknown>>; [key: string]: unknown };

interface Operation {
  name: string;
  edit: (edits: ServiceEdits, a: ServiceModel) => void;
  /** What the operation makes of the file's data (`a` is services.a). */
  means: (a: Record<string, unknown>, data: Data) => void;
  /** Comments on lines the operation removes: they go with them. */
  removes?: string[];
}

const declared = "networks:\n  backend: {}\n  front: {}\n  host:\n    external: true\n    name: host\n";

/** The same service written three ways; each keeps a comment on the line of every key. */
const bases: Record<string, string> = {
  "flow lists, deploy: without a value": [
    "services:",
    "  a:",
    "    image: x  # pinned",
    '    ports: ["80:80"]  # why',
    "    deploy:  # filled later",
    "    networks: [backend, host]  # LAN",
  ].join("\n"),
  "block lists, the host network last": [
    "services:",
    "  a:",
    "    image: x  # pinned",
    "    deploy:  # one task",
    "      mode: replicated",
    "    ports:  # why",
    '      - "80:80"',
    "    networks:  # LAN",
    "      - backend  # main",
    "      - host",
  ].join("\n"),
  "block lists, the host network first": [
    "services:",
    "  a:",
    "    image: x  # pinned",
    "    ports:  # why",
    '      - "80:80"',
    "    networks:  # LAN",
    "      - host",
    "      - backend  # main",
  ].join("\n"),
};

const networksList = (a: Record<string, unknown>) => a.networks as string[];
const host = (attachment: Attachment) => attachment.key === "host";

const operations: Operation[] = [
  { name: "setKey", edit: (e, a) => e.setKey(a, "image", "nginx"), means: (a) => (a.image = "nginx") },
  {
    name: "setKey, a list becoming a mapping",
    edit: (e, a) => e.setKey(a, "networks", { backend: { aliases: ["a"] } }),
    means: (a) => (a.networks = { backend: { aliases: ["a"] } }),
    // The key's own comment stays; those of the items it replaces go with them.
    removes: ["# main"],
  },
  {
    name: "replaceList",
    edit: (e, a) => e.replaceList(a, "ports", ["8080:80", "9090:90"]),
    means: (a) => (a.ports = ["8080:80", "9090:90"]),
  },
  {
    name: "removeKey",
    edit: (e, a) => e.removeKey(a, "ports"),
    means: (a) => delete a.ports,
    removes: ["# why"],
  },
  {
    name: "removeKey, the last one",
    edit: (e, a) => e.removeKey(a, "networks"),
    means: (a) => delete a.networks,
    removes: ["# LAN", "# main"],
  },
  {
    name: "appendToList",
    edit: (e, a) => e.appendToList(a, "ports", ["443:443"]),
    means: (a) => (a.ports = [...(a.ports as string[]), "443:443"]),
  },
  {
    name: "appendToList, a new key",
    edit: (e, a) => e.appendToList(a, "extra_hosts", ["db:10.0.0.2"]),
    means: (a) => (a.extra_hosts = ["db:10.0.0.2"]),
  },
  {
    name: "addEnvironment",
    edit: (e, a) => e.addEnvironment(a, [["URL", "nats://q:4222"]]),
    means: (a) => (a.environment = { URL: "nats://q:4222" }),
  },
  {
    name: "addUnder and setNested, twice under one key",
    edit: (e, a) => {
      e.addUnder(a, "deploy", { restart_policy: { condition: "any" } });
      e.setNested(a, ["deploy", "placement", "constraints"], ["node.role == manager"]);
      e.addUnder(a, "deploy", { placement: { preferences: [{ spread: "node.id" }] } });
    },
    means: (a) => {
      const placement = { constraints: ["node.role == manager"], preferences: [{ spread: "node.id" }] };
      a.deploy = { ...(a.deploy as object), restart_policy: { condition: "any" }, placement };
    },
  },
  {
    name: "detach",
    edit: (e, a) => e.detach(a, host),
    means: (a) => (a.networks = networksList(a).filter((n) => n !== "host")),
  },
  {
    name: "attach",
    edit: (e, a) => e.attach(a, "front"),
    means: (a) => (a.networks = [...networksList(a), "front"]),
  },
  {
    name: "replaceAttachment",
    edit: (e, a) => e.replaceAttachment(a, a.attachments.filter(host), "front"),
    means: (a) => (a.networks = networksList(a).map((n) => (n === "host" ? "front" : n))),
  },
  {
    name: "keepNetworksWithAlias",
    edit: (e, a) =>
      e.keepNetworksWithAlias(
        a,
        a.attachments.filter((x) => !host(x)),
        "a",
      ),
    means: (a) => (a.networks = { backend: { aliases: ["a"] } }),
  },
  {
    name: "renameService",
    edit: (e, a) => e.renameService(a, "b"),
    means: (a, data) => {
      data.services = { b: a };
    },
  },
  {
    name: "addServices",
    edit: (e, a) => e.addServices(a, [["c", { image: "y", networks: ["backend"] }]]),
    means: (_, data) => (data.services.c = { image: "y", networks: ["backend"] }),
  },
  {
    name: "declare",
    edit: (e) => e.declare("volumes", "data", {}),
    means: (_, data) => (data.volumes = { data: {} }),
  },
];

/** A shape given to the plain file, and so to its expected output. */
const shapes: Record<string, (text: string) => string> = {
  "CRLF line ends": (text) => text.replace(/\n/g, "\r\n"),
  "no final newline": (text) => text.slice(0, -1),
  "CRLF and no final newline": (text) => text.replace(/\n/g, "\r\n").slice(0, -2),
  "a document end marker": (text) => `${text}...\n`,
  "both document markers, no final newline": (text) => `---\n${text}...`,
  "a comment block after the last service": (text) => `${text}# the end\n#   of the stack\n`,
  "a comment block without a final newline": (text) => `${text}# the end`,
};

function edited(text: string, operation: Operation): string {
  const model = loadModel(text, { file: "stack.yml" });
  const edits = new ServiceEdits(model);
  operation.edit(
    edits,
    model.services.find((service) => service.name === "a")!,
  );
  return edits.finish().output;
}

/** The output as the yaml library reads it: one document, no error or warning. */
function read(text: string): Data {
  const documents = parseAllDocuments(text);
  expect(Array.isArray(documents) ? documents.length : 0).toBe(1);
  const [document] = documents as Exclude<typeof documents, { empty: true }>;
  expect([...document!.errors, ...document!.warnings].map((problem) => problem.message)).toEqual([]);
  return document!.toJS() as Data;
}

/** What `docker stack config` reads in a file: its normalised output (it refuses the file otherwise). */
function dockerReads(text: string): string {
  const result = stackConfig({ files: [["stack.yml", text]] });
  if (!result.ok) throw new Error(`docker stack config refused:\n${text}\n${result.error}`);
  return result.output;
}

const comments = (text: string) => text.match(/# [\w ]+/g) ?? [];

for (const [baseName, base] of Object.entries(bases)) {
  const plain = `${declared}${base}\n`;
  describe(`ServiceEdits on a file's last service, ${baseName}`, () => {
    for (const operation of operations) {
      it(`${operation.name}: means what it says, keeps every other line's comment, and in every shape`, () => {
        const output = edited(plain, operation);
        const data = read(plain);
        operation.means(data.services.a!, data);
        expect(read(output)).toEqual(data);
        const kept = comments(plain).filter((comment) => !operation.removes?.includes(comment));
        expect(comments(output)).toEqual(kept);
        const docker = dockerReads(output);
        for (const [shapeName, shape] of Object.entries(shapes)) {
          const shaped = edited(shape(plain), operation);
          expect(shaped, shapeName).toBe(shape(output));
          expect(dockerReads(shaped), shapeName).toBe(docker);
        }
        // Tabs after `:` are the file's own: the lines kept keep them, and the file reads the same.
        const tabbed = edited(plain.replace(/: /g, ":\t"), operation);
        expect(read(tabbed)).toEqual(data);
        expect(dockerReads(tabbed)).toBe(docker);
      });
    }
  });
}
