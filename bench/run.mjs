// `npm run bench`: generates the inputs, runs each comparison side by side and
// prints medians, ratios and whether each target (README.md, Performance) is met.
// Options: --quick (fewer rounds), --only=1,3 (some targets; 5 is the audit's cold start, a reference).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { generate } from "./generate.mjs";
import { hasGnuTime, median, runOnce, sideBySide } from "./measure.mjs";
import { buildYamlFloor } from "./yaml-floor.mjs";

const root = resolve(import.meta.dirname, "..");
const cli = join(root, "bin", "stackmod.js");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",")
  .map(Number);
const wanted = (n) => !only || only.includes(n);
const log = (line) => process.stderr.write(line + "\n");
const rows = [];

function verdict(ok) {
  return ok ? "met" : "NOT met";
}

function record(target, what, ratio, limit, detail) {
  const ok = limit.startsWith("≤") ? ratio <= Number(limit.slice(1)) : ratio >= Number(limit.slice(1));
  rows.push({ target, what, ratio, limit, ok, detail });
}

/** A measure that is no target: what the targets are bounded by, printed beside them. */
function reference(target, what, ratio, detail) {
  rows.push({ target, what, ratio, limit: "", ok: true, reference: true, detail });
}

function fmt(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

function walk(directory) {
  return readdirSync(directory)
    .sort()
    .flatMap((name) =>
      statSync(join(directory, name)).isDirectory() ? walk(join(directory, name)) : [join(directory, name)],
    );
}

const machine = `${cpus()[0]?.model ?? "?"} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");
log(`stackmod bench on ${machine}, Node ${process.version}, load average ${load}`);
if (!hasGnuTime)
  log("note: /usr/bin/time is missing (Debian package `time`): CPU time and peak memory are not measured");
log("generating inputs into .bench/ ...");
const inputs = generate();
const node = process.execPath;

if (wanted(1)) {
  log('\n[1] one file, cold: stackmod check/rewrite vs a bare `node -e ""`');
  const rounds = quick ? 8 : 30;
  const yamlFloor = await buildYamlFloor(join(root, ".bench"), inputs.one);
  const r = sideBySide(
    {
      node: () => runOnce([node, "-e", ""]),
      yaml: () => runOnce([node, yamlFloor, inputs.one], { okStatus: [0] }),
      check: () => runOnce([node, cli, "check", inputs.one]),
      rewrite: () => runOnce([node, cli, "rewrite", inputs.one]),
    },
    { rounds, warmup: 3 },
  );
  for (const label of Object.keys(r))
    log(
      `  ${label.padEnd(8)} wall ${fmt(r[label].wall).padStart(8)}  cpu ${fmt(r[label].cpu).padStart(8)}  (median ` +
        `of ${r[label].runs})`,
    );
  record(
    1,
    '`check FILE` / `node -e ""` (wall)',
    r.check.wall / r.node.wall,
    "≤1.2",
    `${fmt(r.check.wall)} vs ${fmt(r.node.wall)}; CPU ${(r.check.cpu / r.node.cpu).toFixed(2)}×`,
  );
  record(
    1,
    '`rewrite FILE` / `node -e ""` (wall)',
    r.rewrite.wall / r.node.wall,
    "≤1.2",
    `${fmt(r.rewrite.wall)} vs ${fmt(r.node.wall)}; CPU ${(r.rewrite.cpu / r.node.cpu).toFixed(2)}×`,
  );
  reference(
    1,
    'floor: yaml alone, bundled with a code cache, parsing the file / `node -e ""` (wall)',
    r.yaml.wall / r.node.wall,
    `${fmt(r.yaml.wall)}; CPU ${(r.yaml.cpu / r.node.cpu).toFixed(2)}×`,
  );
}

if (wanted(2)) {
  const files = walk(inputs.many);
  // docker stack config costs tens of milliseconds per file: a sample of the files
  // per round, scaled to all of them, keeps the round short without changing the per-file cost.
  const sample = files.filter((_, i) => i % (quick ? 50 : 10) === 0);
  const docker = spawnSync("docker", ["--version"]).status === 0;
  log(
    `\n[2] many files: \`stackmod check DIR\` over ${files.length} files vs docker stack config per file ` +
      `(${sample.length}-file sample, scaled) and the CST-parse floor`,
  );
  const group = {
    floor: () => runOnce([node, join(import.meta.dirname, "floor.mjs"), inputs.many], { okStatus: [0] }),
    compose: () => runOnce([node, join(import.meta.dirname, "floor.mjs"), inputs.many, "--compose"], { okStatus: [0] }),
    stackmod: () => runOnce([node, cli, "check", inputs.many], { okStatus: [0, 1, 2] }),
  };
  if (docker) {
    group.docker = () => {
      const runs = sample.map((file) =>
        runOnce(["docker", "stack", "config", "-c", file], { okStatus: [0, 1], env: { DOCKER_CLI_HINTS: "false" } }),
      );
      const scale = files.length / sample.length;
      return {
        wall: runs.reduce((s, x) => s + x.wall, 0) * scale,
        cpu: runs.reduce((s, x) => s + x.cpu, 0) * scale,
        rssMiB: Math.max(...runs.map((x) => x.rssMiB)),
      };
    };
  }
  const r = sideBySide(group, { rounds: quick ? 3 : 5, warmup: 1 });
  for (const label of Object.keys(r))
    log(`  ${label.padEnd(8)} wall ${fmt(r[label].wall).padStart(8)}  cpu ${fmt(r[label].cpu).padStart(8)}`);
  if (docker)
    record(
      2,
      `\`check DIR\` (${files.length} files) speed-up over docker stack config per file (wall)`,
      r.docker.wall / r.stackmod.wall,
      "≥10",
      `${fmt(r.stackmod.wall)} vs ${fmt(r.docker.wall)}`,
    );
  else log("  docker is not installed: the docker comparison is left out");
  record(
    2,
    "`check DIR` / CST-parse floor (wall)",
    r.stackmod.wall / r.floor.wall,
    "≤1.5",
    `${fmt(r.stackmod.wall)} vs ${fmt(r.floor.wall)}; CPU ${(r.stackmod.cpu / r.floor.cpu).toFixed(2)}×`,
  );
  reference(
    2,
    "floor: yaml's parseAllDocuments + toJS (compose, as any model built on yaml) / CST-parse floor (wall)",
    r.compose.wall / r.floor.wall,
    `${fmt(r.compose.wall)}; CPU ${(r.compose.cpu / r.floor.cpu).toFixed(2)}×`,
  );
}

if (wanted(3)) {
  log("\n[3] one huge file: 10,000 services vs 1,000 (anchors, merges, comments)");
  const big = ["--max-bytes", String(64 << 20), "--max-aliases", String(1 << 30)];
  const group = {};
  for (const command of ["check", "rewrite"]) {
    for (const count of [1000, 10000])
      group[`${command} ${count}`] = () =>
        runOnce([node, cli, command, inputs.huge[count], ...big], { okStatus: [0, 1] });
  }
  const r = sideBySide(group, { rounds: quick ? 2 : 3, warmup: 1 });
  for (const label of Object.keys(r))
    log(
      `  ${label.padEnd(13)} wall ${fmt(r[label].wall).padStart(8)}  cpu ${fmt(r[label].cpu).padStart(8)}  max RSS ` +
        `${r[label].rssMiB.toFixed(0)} MiB`,
    );
  for (const command of ["check", "rewrite"]) {
    const small = r[`${command} 1000`];
    const large = r[`${command} 10000`];
    record(
      3,
      `\`${command}\` 10,000 services / 1,000 (wall)`,
      large.wall / small.wall,
      "≤12",
      `${fmt(large.wall)} vs ${fmt(small.wall)}`,
    );
  }
  if (hasGnuTime) {
    const peak = Math.max(r["check 10000"].rssMiB, r["rewrite 10000"].rssMiB);
    record(3, "peak memory (max RSS) for 10,000 services, MiB", peak, "≤300", "check and rewrite");
  }
}

if (wanted(4)) {
  log("\n[4] library: rewrite(source) on the typical file, warm");
  const { rewrite } = await import(join(root, "dist", "src", "index.js"));
  const source = readFileSync(inputs.one, "utf8");
  const { parseDocument } = await import("yaml");
  const perCall = (work) => {
    for (let i = 0; i < 300; i += 1) work();
    const batches = [];
    for (let b = 0; b < (quick ? 10 : 30); b += 1) {
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      for (let i = 0; i < 50; i += 1) work();
      const used = process.cpuUsage(cpu);
      batches.push({
        wall: Number(process.hrtime.bigint() - start) / 1e6 / 50,
        cpu: (used.user + used.system) / 1000 / 50,
      });
    }
    return {
      wall: median(batches.map((b) => b.wall)),
      cpu: median(batches.map((b) => b.cpu)),
      batches: batches.length,
    };
  };
  const call = perCall(() => rewrite(source, { file: "stack.yml" }));
  // A rewrite reads its input and re-reads its output to verify it: two yaml documents at least.
  const output = rewrite(source, { file: "stack.yml" }).output;
  const floor = perCall(() => {
    parseDocument(source);
    parseDocument(output);
  });
  log(
    `  rewrite(source): ${fmt(call.wall)} wall, ${fmt(call.cpu)} CPU per call; two parseDocument calls (input, ` +
      `output): ${fmt(floor.wall)} (medians of ${call.batches} batches of 50)`,
  );
  record(
    4,
    "`rewrite(source)` warm, ms per call (wall)",
    call.wall,
    "≤2",
    `${source.length} bytes, 10 services; CPU ${call.cpu.toFixed(2)} ms`,
  );
  reference(
    4,
    "floor: yaml's `parseDocument` of the input and of the output, warm, ms",
    floor.wall,
    `CPU ${floor.cpu.toFixed(2)} ms`,
  );
}

if (wanted(5)) {
  log("\n[5] stackmod audit, cold, against recorded engine answers on a unix socket: Node's http vs dockerode");
  const dockerode = join(root, "node_modules", ".cache", "stackmod", "bench-dockerode");
  if (!existsSync(join(dockerode, "node_modules", "dockerode"))) {
    log(
      "  installing dockerode@5.0.1 into node_modules/.cache/stackmod/bench-dockerode (npm; for the comparison " +
        "only, not a dependency)",
    );
    mkdirSync(dockerode, { recursive: true });
    writeFileSync(join(dockerode, "package.json"), '{"name": "bench-dockerode", "private": true}\n');
    spawnSync("npm", ["install", "--no-audit", "--no-fund", "dockerode@5.0.1"], { cwd: dockerode, stdio: "inherit" });
  }
  const fixtures = join(root, "test", "engine-api");
  const fixture = join(fixtures, readdirSync(fixtures).sort()[0], "audit.json");
  const socket = join(root, ".bench", "engine.sock");
  // The server runs in its own process: the measured runs block this one.
  const server = spawn(node, [join(import.meta.dirname, "audit", "replay.mjs"), fixture, socket], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) => server.stdout.once("data", resolve));
  try {
    const r = sideBySide(
      {
        node: () => runOnce([node, "-e", ""]),
        http: () => runOnce([node, join(import.meta.dirname, "audit", "http-client.mjs"), socket], { okStatus: [0] }),
        dockerode: () =>
          runOnce([node, join(import.meta.dirname, "audit", "dockerode-client.mjs"), socket], { okStatus: [0] }),
        audit: () => runOnce([node, cli, "audit", "--host", `unix://${socket}`], { okStatus: [1] }),
        check: () => runOnce([node, cli, "check", inputs.one]),
      },
      { rounds: quick ? 8 : 30, warmup: 3 },
    );
    for (const label of Object.keys(r))
      log(
        `  ${label.padEnd(9)} wall ${fmt(r[label].wall).padStart(8)}  cpu ${fmt(r[label].cpu).padStart(8)}  max RSS ` +
          `${r[label].rssMiB.toFixed(0)} MiB`,
      );
    reference(
      5,
      "the audit's four requests with Node's http / with dockerode 5.0.1, cold process (wall)",
      r.http.wall / r.dockerode.wall,
      `${fmt(r.http.wall)} vs ${fmt(r.dockerode.wall)}; CPU ${fmt(r.http.cpu)} vs ${fmt(r.dockerode.cpu)}; max RSS ` +
        `${r.http.rssMiB.toFixed(0)} vs ${r.dockerode.rssMiB.toFixed(0)} MiB`,
    );
    reference(
      5,
      '`stackmod audit` (7 services) / `node -e ""`, cold (wall)',
      r.audit.wall / r.node.wall,
      `${fmt(r.audit.wall)} vs ${fmt(r.node.wall)}; CPU ${fmt(r.audit.cpu)} vs ${fmt(r.node.cpu)}; \`check FILE\` ` +
        `${fmt(r.check.wall)}, CPU ${fmt(r.check.cpu)}`,
    );
  } finally {
    server.kill();
  }
}

if (wanted(6)) {
  log("\n[6] hostile shapes: one duplicate key among 100,000; 5 MB of `[`");
  const r = sideBySide(
    {
      unique: () => runOnce([node, cli, "check", inputs.hostile.unique], { okStatus: [0] }),
      duplicate: () => runOnce([node, cli, "check", inputs.hostile.duplicate], { okStatus: [2] }),
      brackets: () => runOnce([node, cli, "check", inputs.hostile.brackets], { okStatus: [2] }),
    },
    { rounds: quick ? 2 : 5, warmup: 1 },
  );
  for (const label of Object.keys(r))
    log(`  ${label.padEnd(10)} wall ${fmt(r[label].wall).padStart(8)}  max RSS ${r[label].rssMiB.toFixed(0)} MiB`);
  record(
    6,
    "one duplicate among 100,000 keys / no duplicate (wall)",
    r.duplicate.wall / r.unique.wall,
    "≤2",
    `${fmt(r.duplicate.wall)} vs ${fmt(r.unique.wall)}`,
  );
  record(6, "5 MB of `[` / 100,000 keys (wall)", r.brackets.wall / r.unique.wall, "≤1", fmt(r.brackets.wall));
}

const lines = ["| target | measure | ratio | goal | result | detail |", "|---|---|---|---|---|---|"];
for (const row of rows) {
  const value =
    row.target === 4 || row.what.startsWith("peak")
      ? row.ratio.toFixed(row.target === 4 ? 2 : 0)
      : `${row.ratio.toFixed(2)}×`;
  lines.push(
    `| ${row.target} | ${row.what} | ${value} | ${row.limit} | ${row.reference ? "(reference)" : verdict(row.ok)} | ` +
      `${row.detail} |`,
  );
}
console.log("\n" + lines.join("\n"));
const targets = rows.filter((r) => !r.reference);
const missed = targets.filter((r) => !r.ok).length;
console.log(missed === 0 ? "\nall targets met" : `\n${missed} of ${targets.length} measures NOT met`);
