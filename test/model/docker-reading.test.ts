import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { check, StackmodError } from "../../src/index.js";
import { dockerScalarTags } from "../../src/parse/docker-scalars.js";
import { loadModel } from "../../src/model/load.js";
import { resolvedData } from "../../src/model/interpolate.js";
import { readFileOptions } from "../../src/plan/file-options.js";
import { stackConfigAsync, type StackConfigResult } from "../helpers/stack-config.js";

/**
 * What stackmod reads is what docker reads: every scalar shape below, in every place where its reading
 * decides something (a port, a network's name, whether it is external, an attachment, network_mode, a
 * driver, deploy.mode, an x-stackmod option), read by stackmod and by the real `docker stack config`
 * (go-yaml v3 and docker's normalisations, no engine). Where docker accepts the file, stackmod reads the
 * same value; where docker refuses it, stackmod refuses it too, but for the few places listed in
 * `dockerOnlyRefuses`, each with its reason. Every shape in every place, not a sample: a mismatch is found
 * by the suite, not by luck.
 */
const shapes = [
  // Integers as go-yaml reads them: Go's base prefixes in either case, a sign before them, `_` anywhere,
  // a leading 0 for octal; and what is a float there (`08`: 8 is no octal digit).
  ...["80", "+80", "0755", "0o17", "0X50", "+0x50", "-0x50", "0b1010000", "1_000", "80_"],
  ...["08", "80.0", "1e3", ".5", "1e400"],
  // YAML 1.1's sexagesimal numbers and booleans: strings to go-yaml v3, as to YAML 1.2.
  ...["1:20", "22:22", "190:20:30", "yes", "no", "on", "y", "True", "FALSE"],
  ...["~", "", ".inf", ".nan"],
  // Timestamps, which go-yaml reads as dates (a date that does not exist stays a string).
  ...["2001-12-14", "2001-12-14t21:59:43.10Z", "2001-02-30"],
  // Strings, some spelled so that only a tag or the quotes say so, some given by a variable.
  ...["host", "global", '"0755"', "'yes'", "!!str 0755", "!!binary aG9zdA==", "!!binary Z2xvYmFs"],
  ...['"${X:-yes}"', "${X:-host}", "${X:-0755}"],
  // Explicit tags: go-yaml reads the text by the tag's rules and refuses it when they do not read it.
  ...["!!int 0755", "!!int 80", "!!int foo", "!!int 1.5", "!!float 10", "!!float 08", "!!float .inf"],
  ...["!!timestamp 2001-12-14", "!!timestamp foo"],
  // Other texts that start like a number: go-yaml's special floats, and strings.
  ...["+.inf", "-.Inf", ".NaN", "+12", "1.2.3", "-foo", "-", "."],
];

interface Place {
  name: string;
  /** The stack file with the shape in its place. */
  text: (shape: string) => string;
  /** What docker read there, from the normalised file `docker stack config` prints. */
  docker: (config: Json) => unknown;
  /** What stackmod read there; throws StackmodError when stackmod refuses the file. */
  stackmod: (text: string) => unknown;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const head = 'version: "3.8"\nservices:\n  s:\n    image: x\n';
const declared = "networks:\n  hostnet:\n    external: true\n    name: host\n  back: {}\n";
// The files are stack files: docker stack reads them (its refusals are stackmod's stack rules).
const model = (text: string) => loadModel(text, { file: "stack.yml", env: {}, target: "swarm" });
const service = (text: string) => model(text).services[0]!;
/** A port as both read it; docker's normalised file leaves out a long-syntax port's defaults. */
const port = (p: { target?: number; published?: number; protocol?: string; mode?: string } | undefined) =>
  p && { target: p.target, published: p.published, protocol: p.protocol ?? "tcp", mode: p.mode ?? "ingress" };

const places: Place[] = [
  {
    name: "a short-syntax port",
    text: (shape) => `${head}    ports:\n      - ${shape}\n`,
    docker: (config) => port(config.services.s.ports[0]),
    stackmod: (text) => port(service(text).ports[0]),
  },
  {
    name: "a long-syntax port's target",
    text: (shape) => `${head}    ports:\n      - target: ${shape}\n        published: 8080\n        mode: host\n`,
    docker: (config) => port(config.services.s.ports[0]),
    stackmod: (text) => port(service(text).ports[0]),
  },
  {
    name: "a network's external",
    text: (shape) =>
      `${head}    networks: [hostnet, back]\nnetworks:\n  hostnet:\n    external: ${shape}\n` +
      "    name: host\n  back: {}\n",
    docker: (config) => config.networks.hostnet.external === true,
    stackmod: (text) => model(text).networks.get("hostnet")!.external,
  },
  {
    name: "an external network's name",
    text: (shape) =>
      `${head}    networks: [hostnet, back]\nnetworks:\n  hostnet:\n    external: true\n` +
      `    name: ${shape}\n  back: {}\n`,
    docker: (config) => config.networks.hostnet.name ?? "hostnet",
    stackmod: (text) => model(text).networks.get("hostnet")!.name,
  },
  {
    name: "a network a service lists and the file declares",
    text: (shape) => `${head}    networks:\n      - back\n      - ${shape}\nnetworks:\n  back: {}\n  ${shape}: {}\n`,
    docker: (config) => Object.keys(config.services.s.networks).sort(),
    stackmod: (text) =>
      service(text)
        .attachments.map((a) => a.key)
        .sort(),
  },
  {
    name: "network_mode",
    text: (shape) => `${head}    network_mode: ${shape}\n`,
    docker: (config) => config.services.s.network_mode,
    stackmod: (text) => service(text).networkMode?.value,
  },
  {
    name: "a network's driver",
    text: (shape) => `${head}    networks: [back]\nnetworks:\n  back:\n    driver: ${shape}\n`,
    docker: (config) => config.networks.back.driver,
    stackmod: (text) => model(text).networks.get("back")!.driver,
  },
  {
    name: "deploy.mode",
    text: (shape) => `${head}    deploy:\n      mode: ${shape}\n`,
    docker: (config) => config.services.s.deploy?.mode,
    stackmod: (text) => {
      const mode = (resolvedData(service(text)).deploy as Json | null | undefined)?.mode;
      return mode === null ? undefined : mode;
    },
  },
  {
    name: "an x-stackmod port",
    text: (shape) => `${head}    networks: [hostnet]\n    x-stackmod:\n      ports:\n        - ${shape}\n${declared}`,
    docker: (config) => config.services.s["x-stackmod"].ports[0] ?? undefined,
    stackmod: (text) => (readFileOptions(model(text)).services.get("s")!.ports as unknown[])[0],
  },
];

/**
 * Where docker refuses a file that stackmod reads, each on purpose: what stackmod reads there cannot
 * hide a refusal the engine makes (the file does not deploy at all), and docker's message says what to fix.
 */
const dockerOnlyRefuses: Record<string, (shape: string) => string | undefined> = {
  // docker stack's schema takes only booleans and mappings there; Compose (v1 here, and compose-go) reads a
  // string with the same boolean cast as an interpolated one, and so does stackmod, for both dialects.
  "a network's external": (shape) => {
    const word = shape.replace(/^!!str /, "").replace(/^(['"])(.*)\1$/, "$2");
    const cast = ["y", "yes", "true", "on", "n", "no", "false", "off"].includes(word.toLowerCase());
    return cast ? "a string docker stack refuses unless a variable gave it, and Compose reads as a boolean" : undefined;
  },
  // stackmod does not read these beyond their text: docker's schema says which strings are modes and drivers.
  network_mode: () => "docker stack's schema wants a string; stackmod reads network_mode only for `host`",
  "a network's driver": () => "docker's schema wants a string; stackmod compares the driver with `host` only",
  "deploy.mode": () => "docker's schema wants a string; stackmod compares the mode with `global` only",
  // docker passes an x- block on unread: it refuses only what it refuses anywhere else in the file.
  "an x-stackmod port": () => "docker reads no x- block",
};

/**
 * Where stackmod refuses a file docker stack config accepts, each on purpose: `config` checks less
 * than `deploy` and the engine do.
 */
const stackmodOnlyRefuses: Record<string, (shape: string, error: string) => string | undefined> = {
  "a network a service lists and the file declares": (shape, error) => {
    if (error.includes("INVALID_NAME: network name")) return "the engine refuses to create a network of that name";
    // The list item is interpolated, the key that declares the network is not: deploy finds no such network.
    if (shape.includes("$") && error.includes("UNDECLARED_NETWORK")) return "docker stack deploy refuses it";
    return undefined;
  },
  // Options docker passes on unread; stackmod's own schema says which it takes.
  "an x-stackmod port": (_shape, error) => (error.includes("BAD_OPTION") ? "not a port stackmod takes" : undefined),
};

interface Case {
  place: Place;
  shape: string;
  text: string;
}

const cases: Case[] = places.flatMap((place) => shapes.map((shape) => ({ place, shape, text: place.text(shape) })));
const verdicts = new Map<Case, StackConfigResult>();

beforeAll(async () => {
  // docker stack config is a process per file: a few at a time, so that the cases cost seconds, not minutes.
  const queue = [...cases];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      verdicts.set(next, await stackConfigAsync({ files: [["stack.yml", next.text]], env: {} }));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}, 120_000);

/** The rules whose findings say docker stack refuses the file (as the corpus test counts them). */
const refusingRules = new Set(["stack-forbidden-key", "stack-refused-key"]);

/** What stackmod reads in the place; a refusal is an error it throws or a finding that docker refuses the file. */
function readByStackmod(text: string, place: Place): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const value = place.stackmod(text);
    const refused = check(text, { file: "stack.yml", env: {}, target: "swarm" }).findings.find((f) =>
      refusingRules.has(f.rule),
    );
    return refused ? { ok: false, error: `${refused.rule}: ${refused.message}` } : { ok: true, value };
  } catch (error) {
    if (error instanceof StackmodError) return { ok: false, error: error.format() };
    throw error;
  }
}

describe("stackmod reads each scalar shape as docker stack config reads it", () => {
  for (const place of places) {
    describe(place.name, () => {
      for (const item of cases.filter((c) => c.place === place)) {
        it(JSON.stringify(item.shape), () => {
          const docker = verdicts.get(item)!;
          const ours = readByStackmod(item.text, place);
          if (docker.ok) {
            // docker's file is written by go-yaml for go-yaml: it leaves `1e400` plain, a string there.
            const theirs = place.docker(parse(docker.output, { schema: "core", customTags: dockerScalarTags }) as Json);
            const refusal = ours.ok ? undefined : stackmodOnlyRefuses[place.name]?.(item.shape, ours.error);
            if (refusal) return;
            expect(ours, `docker accepts the file and reads ${JSON.stringify(theirs)}`).toEqual({
              ok: true,
              value: theirs,
            });
          } else if (ours.ok) {
            const why = dockerOnlyRefuses[place.name]?.(item.shape);
            expect(why, `docker refuses the file (${docker.error.trim()}), stackmod reads it`).toBeDefined();
          }
        });
      }
    });
  }
});
