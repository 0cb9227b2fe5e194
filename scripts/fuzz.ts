import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fuzzCase, runCampaign, seedFiles } from "../test/fuzz/campaign.js";
import { repoRoot } from "../test/fuzz/repo.js";

/**
 * `npm run fuzz -- [--seed N] [--count N] [--seconds N] [--docker-every N] [--cli-every N] [--layered P] [--keep]`
 * (or `--seed N --case I`: print case I):
 * mutates the fixture inputs and the shared corpus, checks every case against the
 * oracles of test/fuzz/oracles.ts, and prints each failure with the seed and case
 * number that replay it. With --layered P (0 to 1), that share of the cases are `-c base.yml -c override.yml`
 * pairs, checked with `check -c` and `rewrite -c`. With --keep, each failure is written to
 * test/fuzz/regressions/ (the text, and its options beside it) for `npm test` to keep.
 */
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const seed = flag("seed", Date.now() % 1_000_000);
const count = flag("count", 1_000_000);
const seconds = flag("seconds", 60);
const layered = flag("layered", 0);
const seeds = seedFiles();
if (args.includes("--case")) {
  // One case, to look at: its text on stdout, its options on stderr.
  const one = fuzzCase(seed, flag("case", 0), seeds, layered);
  process.stdout.write(one.text);
  if (one.layers !== undefined) process.stdout.write(`\n--- override.yml (the second -c file) ---\n${one.layers}`);
  process.stderr.write(`${JSON.stringify(one.options)} from ${one.from}, mutations ${one.mutations.join(", ")}\n`);
  process.exit(0);
}
process.stderr.write(`fuzz: seed ${seed}, up to ${count} cases or ${seconds} s, ${seeds.length} seed files\n`);
const result = runCampaign({
  seed,
  count,
  seconds,
  seeds,
  layered,
  dockerEvery: flag("docker-every", 10),
  cliEvery: flag("cli-every", 50),
  onCase: (index) => {
    if (index > 0 && index % 500 === 0) process.stderr.write(`fuzz: ${index} cases\n`);
  },
});
const regressions = join(repoRoot(), "test", "fuzz", "regressions");
const replayLayered = layered ? ` --layered ${layered}` : "";
for (const failure of result.failures) {
  process.stderr.write(
    `\nFAIL case ${failure.index} (replay: --seed ${seed}${replayLayered} --count ${failure.index + 1}), from ` +
      `${basename(failure.from)}, ` +
      `mutations ${failure.mutations.join(", ")}, options ${JSON.stringify(failure.fuzz.options)}:\n  ` +
      `${failure.problem.split("\n")[0]}\n`,
  );
  if (args.includes("--keep")) {
    const name = createHash("sha256").update(failure.fuzz.text).digest("hex").slice(0, 12);
    writeFileSync(join(regressions, `${name}.yml`), failure.fuzz.text);
    if (failure.fuzz.layers !== undefined)
      writeFileSync(join(regressions, `${name}.override.yml`), failure.fuzz.layers);
    writeFileSync(join(regressions, `${name}.json`), JSON.stringify(failure.fuzz.options, null, 2) + "\n");
  }
}
const rate = (result.cases / result.seconds).toFixed(1);
process.stderr.write(
  `\nfuzz: ${result.cases} cases in ${result.seconds.toFixed(0)} s (${rate}/s), seed ${seed}: ` +
    `${result.failures.length} failures\n`,
);
process.exitCode = result.failures.length > 0 ? 1 : 0;
