// Writes the benchmark inputs into .bench/ (git-ignored): a typical stack, 1,000
// stack files made from the corpus, and synthetic stacks of 10 / 1,000 / 10,000 services.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const benchDir = resolve(import.meta.dirname, "..", ".bench");
export const corpusDir = resolve(
  process.env.STACKMOD_CORPUS ?? join(import.meta.dirname, "..", "..", "shared", "corpus"),
);

/**
 * A stack with `count` services in the shape people write by hand: a shared
 * `x-defaults` anchor merged into every service, comments, block and flow
 * lists. Every tenth service is on the host network and an overlay (the
 * conflict), with the port it receives in its `x-stackmod` block.
 */
export function syntheticStack(count) {
  const lines = [
    'version: "3.8"',
    "",
    "# Shared settings, merged into every service.",
    "x-defaults: &defaults",
    "  stop_grace_period: 30s",
    "  logging:",
    "    driver: json-file",
    "x-restart: &restart",
    "  condition: on-failure",
    "",
    "services:",
  ];
  for (let i = 0; i < count; i += 1) {
    lines.push(`  # service ${i}: ${i % 10 === 0 ? "listens on the host" : "internal"}`);
    lines.push(`  svc${i}:`, "    <<: *defaults", `    image: "registry.example.com/app-${i % 7}:1.${i % 13}"`);
    if (i % 10 === 0) {
      lines.push("    networks: [hostnet, backend]", `    x-stackmod: {ports: ["${1024 + (i % 20000)}/udp"]}`);
    } else {
      lines.push("    networks:", "      - backend", "    ports:", `      - "${30000 + i}:8080"`);
    }
    lines.push("    environment:", `      SERVICE_NAME: svc${i} # shown in logs`, `      PEER: svc${(i + 1) % count}`);
    lines.push("    deploy:", "      replicas: 1", "      restart_policy: *restart");
  }
  lines.push(
    "",
    "networks:",
    "  hostnet:",
    "    external: true",
    "    name: host",
    "  backend:",
    "    driver: overlay",
    "",
  );
  return lines.join("\n");
}

/** Copy `index` of a corpus file, varied so that no two files are byte-identical. */
function variant(text, index) {
  const crlf = text.includes("\r\n");
  const eol = crlf ? "\r\n" : "\n";
  let out = `# bench copy ${index}${eol}${text}`;
  // Every third copy flips its line ends, the way checkouts on other machines do.
  if (index % 3 === 1) out = crlf ? out.replace(/\r\n/g, "\n") : out.replace(/\n/g, "\r\n");
  return out;
}

export function corpusFiles() {
  return readdirSync(corpusDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => readFileSync(join(corpusDir, name), "utf8"));
}

/** Writes every input; returns their paths. */
export function generate({ manyCount = 1000 } = {}) {
  rmSync(benchDir, { recursive: true, force: true });
  const paths = { one: join(benchDir, "one", "stack.yml"), many: join(benchDir, "many"), huge: {} };
  mkdirSync(join(benchDir, "one"), { recursive: true });
  writeFileSync(paths.one, syntheticStack(10));
  const corpus = corpusFiles();
  if (corpus.length === 0) throw new Error(`no corpus files in ${corpusDir} (set STACKMOD_CORPUS)`);
  for (let i = 0; i < manyCount; i += 1) {
    const folder = join(paths.many, `team-${String(i % 40).padStart(2, "0")}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `${String(i).padStart(4, "0")}-docker-stack.yml`),
      variant(corpus[i % corpus.length], i),
    );
  }
  mkdirSync(join(benchDir, "huge"), { recursive: true });
  for (const count of [1000, 10000]) {
    paths.huge[count] = join(benchDir, "huge", `stack-${count}.yml`);
    writeFileSync(paths.huge[count], syntheticStack(count));
  }
  paths.hostile = hostileInputs();
  return paths;
}

/**
 * Inputs shaped to hit a worst case (target 6): one duplicate among 100,000 keys of a
 * mapping (and the same file without it), and 5 MB of `[` under the 5 MiB limit.
 */
function hostileInputs() {
  const folder = join(benchDir, "hostile");
  mkdirSync(folder, { recursive: true });
  const keys = Array.from({ length: 100_000 }, (_, i) => `      K${i}: v`);
  const head = ["services:", "  big:", "    image: x", "    environment:"];
  const paths = {
    unique: join(folder, "keys-100000.yml"),
    duplicate: join(folder, "keys-100000-one-duplicate.yml"),
    brackets: join(folder, "brackets-5mb.yml"),
  };
  writeFileSync(paths.unique, [...head, ...keys, ""].join("\n"));
  writeFileSync(
    paths.duplicate,
    [...head, ...keys.slice(0, 60_000), "      K5: dup", ...keys.slice(60_000), ""].join("\n"),
  );
  writeFileSync(paths.brackets, "[".repeat(5 * 1024 * 1024 - 16));
  return paths;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = generate();
  console.log(`inputs written to ${benchDir}:`, JSON.stringify(paths, null, 2));
}
