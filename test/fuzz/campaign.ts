import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StackmodOptions } from "../../src/index.js";
import { Document, isMap, parseDocument, type YAMLMap } from "yaml";
import { mutate, mutations } from "./mutate.js";
import { failureOf, type FuzzCase } from "./oracles.js";
import { Random } from "./random.js";
import { repoRoot } from "./repo.js";

const repo = repoRoot();

/** The seed files: every fixture input, and the shared corpus of real stack files when it is there. */
export function seedFiles(corpus = resolve(repo, process.env.STACKMOD_CORPUS ?? "../shared/corpus")): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return walk(path);
        return /\.input\.yml$|\.ya?ml$/.test(name) ? [path] : [];
      });
  const fixtures = walk(join(repo, "test", "fixtures")).filter((path) => path.endsWith(".input.yml"));
  return [...fixtures, ...(existsSync(corpus) ? walk(corpus) : [])];
}

const strategies: StackmodOptions[] = [
  { strategy: "proxy" },
  { strategy: "proxy", proxy: { direction: "outbound" } },
  { strategy: "split" },
  { strategy: "lan", lan: { parent: "eth0", subnet: "192.168.50.0/24", gateway: "192.168.50.1" } },
];

/**
 * Case `index` of the campaign `seed`: always the same text and options. With `layered` (a chance from 0 to 1),
 * that share of the cases is a `-c base.yml -c override.yml` pair (`overrideOf`).
 */
export function fuzzCase(
  seed: number,
  index: number,
  seeds: readonly string[],
  layered = 0,
): FuzzCase & { from: string; mutations: string[] } {
  const random = Random.forCase(seed, index);
  const from = random.pick(seeds);
  const { text, applied } = mutate(readFileSync(from, "utf8"), random);
  const options: FuzzCase["options"] = { options: random.pick(strategies) };
  if (random.chance(0.15)) options.target = "compose";
  if (random.chance(0.1)) options.services = ["a", random.pick(["bacnet", "web", "db", "app"])];
  // Drawn after everything else, so that a case's single-file part is the same with and without layers.
  if (layered > 0 && random.chance(layered)) {
    let pair;
    try {
      pair = overrideOf(text, random);
    } catch {
      // yaml cannot write what it read back (a merge key's symbol as a value): a single-file case.
    }
    if (pair) {
      const mutations = [...applied, ...pair.applied];
      return { text: pair.base, layers: pair.override, options, from, mutations };
    }
  }
  return { text, options, from, mutations: applied };
}

/**
 * A second `-c` file for a case: some of a service's keys (its networks, ports, deploy, x-stackmod, network_mode)
 * moved or copied into an override of the same version, the host network sometimes added there instead (a conflict
 * only the merge makes), and the override given the shapes of the go-yaml mutations.
 */
function overrideOf(text: string, random: Random): { base: string; override: string; applied: string[] } | undefined {
  let doc;
  try {
    // Its toJSON below is the campaign's own reading, never to warn on stderr (a list as a key).
    doc = parseDocument(text, { uniqueKeys: false, logLevel: "error" });
    if (doc.errors.length > 0) return undefined;
  } catch {
    return undefined;
  }
  const services = doc.get("services");
  if (!isMap(services) || services.items.length === 0) return undefined;
  const override = new Document({ services: {} });
  const version = doc.get("version");
  if (version !== undefined && random.chance(0.9)) override.set("version", version);
  const applied: string[] = [];
  for (let n = 1 + random.int(2); n > 0; n -= 1) {
    const pair = random.pick(services.items);
    const name = (pair.key as { value?: unknown })?.value;
    if (typeof name !== "string" || !isMap(pair.value)) continue;
    const body = pair.value as YAMLMap;
    const into = override.createNode({}) as YAMLMap;
    for (const key of ["networks", "ports", "deploy", "x-stackmod", "network_mode", "image"]) {
      if (!body.has(key) || random.chance(0.5)) continue;
      into.set(key, override.createNode(body.toJSON()?.[key] ?? null));
      if (random.chance(0.5)) {
        body.delete(key);
        applied.push(`layer:move ${key}`);
      } else applied.push(`layer:copy ${key}`);
    }
    if (random.chance(0.3)) {
      into.set("networks", ["hostnet"]);
      override.setIn(["networks", "hostnet"], { external: true, name: "host" });
      applied.push("layer:host");
    }
    if (random.chance(0.1)) {
      into.set("image", "busybox");
      override.setIn(["services", `${name}x`], into);
      applied.push("layer:new service");
    } else override.setIn(["services", name], into);
  }
  let second = override.toString();
  for (const shape of ["dockerShapes", "shapeName", "optionShapes", "collectionKey", "syntaxError", "damage"]) {
    if (!random.chance(0.15)) continue;
    try {
      second = mutations[shape]!(second, random);
      applied.push(`layer:${shape}`);
    } catch {
      // Not a mapping any more: the next shape may still apply to its text.
    }
  }
  // The base keeps its own bytes (and shapes) unless a key moved out of it.
  const base = applied.some((a) => a.startsWith("layer:move")) ? doc.toString() : text;
  return { base, override: second, applied };
}

export interface Failure {
  index: number;
  from: string;
  mutations: string[];
  problem: string;
  fuzz: FuzzCase;
}

export interface CampaignResult {
  cases: number;
  failures: Failure[];
  seconds: number;
}

/** Runs cases from `seed` until `count` cases or `seconds` have passed, whichever comes first. */
export function runCampaign(options: {
  seed: number;
  count: number;
  seconds: number;
  dockerEvery?: number;
  cliEvery?: number;
  seeds?: readonly string[];
  /** The share of cases that are `-c` pairs (0 to 1; none by default). */
  layered?: number;
  onCase?: (index: number) => void;
}): CampaignResult {
  const seeds = options.seeds ?? seedFiles();
  const start = Date.now();
  const failures: Failure[] = [];
  let index = 0;
  for (; index < options.count && (Date.now() - start) / 1000 < options.seconds; index += 1) {
    const fuzz = fuzzCase(options.seed, index, seeds, options.layered ?? 0);
    const problem = failureOf(fuzz, {
      docker: index % (options.dockerEvery ?? 10) === 0,
      cli: index % (options.cliEvery ?? 50) === 0,
    });
    if (problem) failures.push({ index, from: fuzz.from, mutations: fuzz.mutations, problem, fuzz });
    options.onCase?.(index);
  }
  return { cases: index, failures, seconds: (Date.now() - start) / 1000 };
}
