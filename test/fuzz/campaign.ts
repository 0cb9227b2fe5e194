import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { StackmodOptions } from "../../src/index.js";
import { mutate } from "./mutate.js";
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

/** Case `index` of the campaign `seed`: always the same text and options. */
export function fuzzCase(
  seed: number,
  index: number,
  seeds: readonly string[],
): FuzzCase & { from: string; mutations: string[] } {
  const random = Random.forCase(seed, index);
  const from = random.pick(seeds);
  const { text, applied } = mutate(readFileSync(from, "utf8"), random);
  const options: FuzzCase["options"] = { options: random.pick(strategies) };
  if (random.chance(0.15)) options.target = "compose";
  if (random.chance(0.1)) options.services = ["a", random.pick(["bacnet", "web", "db", "app"])];
  return { text, options, from, mutations: applied };
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
  onCase?: (index: number) => void;
}): CampaignResult {
  const seeds = options.seeds ?? seedFiles();
  const start = Date.now();
  const failures: Failure[] = [];
  let index = 0;
  for (; index < options.count && (Date.now() - start) / 1000 < options.seconds; index += 1) {
    const fuzz = fuzzCase(options.seed, index, seeds);
    const problem = failureOf(fuzz, {
      docker: index % (options.dockerEvery ?? 10) === 0,
      cli: index % (options.cliEvery ?? 50) === 0,
    });
    if (problem) failures.push({ index, from: fuzz.from, mutations: fuzz.mutations, problem, fuzz });
    options.onCase?.(index);
  }
  return { cases: index, failures, seconds: (Date.now() - start) / 1000 };
}
