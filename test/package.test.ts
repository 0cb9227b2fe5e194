import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { version } from "../src/version.js";

const repo = resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");

/** The README's deployment-script example, type-checked as a consumer would write it. */
function readmeExample(): string {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const match = /### Deployment scripts\n\n```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error("README.md has no ts example under ### Deployment scripts");
  return match[1]!;
}

const consumer = `import {
  check,
  rewrite,
  transforms,
  StackmodError,
  exitCodes,
  version,
  type Finding,
  type RewriteResult,
} from "stackmod";

const source = "services:\\n  a:\\n    image: x\\n    networks: [hostnet, backend]\\nnetworks:\\n  hostnet: " +
  "{external: true, name: host}\\n  backend: {}\\n";
const findings: Finding[] = check(source, { file: "stack.yml" }).findings;
const result: RewriteResult = rewrite(source, { file: "stack.yml", options: { services: { a: { ports: ["8080"] } } } });
let code: number = exitCodes.ok;
try {
  check("a: [", { file: "bad.yml" });
} catch (error) {
  if (error instanceof StackmodError) code = error.line;
}
// @ts-expect-error: proves the declarations are real types, not \`any\` (an unused expectation is an error too)
const wrong: number = check(source).findings;
// The options are real types, checked at compile time: a misspelt strategy or port does not type-check.
const typos = () => [
  // @ts-expect-error: "proxi" is not a strategy
  rewrite(source, { options: { strategy: "proxi" } }),
  // @ts-expect-error: "udp" alone is not a port
  rewrite(source, { options: { services: { a: { ports: ["udp"] } } } }),
  // @ts-expect-error: proxy.direction is inbound or outbound
  rewrite(source, { config: { proxy: { direction: "sideways" } } }),
];
void typos;
const summary = {
  version,
  rules: findings.map((f) => f.rule),
  changed: result.changed,
  strategies: transforms.map((t) => t.name),
  code,
};
console.log(JSON.stringify(summary));
`;

let app: string;
let tarball: string;
let packed: string[];

beforeAll(() => {
  const entry = join(repo, pkg.exports["."].import);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first (\`npm test\` does)`);
  const work = mkdtempSync(join(tmpdir(), "stackmod-pack-"));
  // --ignore-scripts: `npm test` has just built dist/, and rebuilding it here would race the other test files.
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], {
    cwd: repo,
    encoding: "utf8",
  });
  const info = JSON.parse(out)[0];
  tarball = join(work, info.filename);
  packed = info.files.map((f: { path: string }) => f.path);
  app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // From npm's cache (filled by `npm ci`) without asking the registry; only what is not cached is fetched.
  execFileSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", tarball],
    { cwd: app, encoding: "utf8" },
  );
}, 180_000);

describe("the npm package", () => {
  test("the tarball holds what package.json promises, and not the sources", () => {
    for (const bin of Object.values<string>(pkg.bin)) expect(packed).toContain(bin.replace(/^\.\//, ""));
    for (const path of [
      pkg.types,
      pkg.exports["."].types,
      pkg.exports["."].import,
      "schema/report-v1.schema.json",
      "README.md",
      "CHANGELOG.md",
      "package.json",
    ]) {
      expect(packed).toContain(path.replace(/^\.\//, ""));
    }
    expect(packed.filter((p) => p.startsWith("test/") || (p.endsWith(".ts") && !p.endsWith(".d.ts")))).toEqual([]);
  });

  test("the stackmod command runs in the project that installed it", { timeout: 180_000 }, () => {
    const help = spawnSync("npx", ["--offline", "--no-install", "stackmod", "--help"], { cwd: app, encoding: "utf8" });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain("Usage: stackmod [options] [command]");
    expect(help.stdout).toContain("Examples:");
    copyFileSync(join(repo, "examples", "bacnet-stack.yml"), join(app, "stack.yml"));
    const check = spawnSync(join(app, "node_modules", ".bin", "stackmod"), ["check", "stack.yml", "--format", "json"], {
      cwd: app,
      encoding: "utf8",
    });
    expect(check.status, check.stderr).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({
      version: 1,
      tool: { version: pkg.version },
      summary: { errors: 1 },
    });
  });

  // skipLibCheck as most projects set it; the declarations themselves come from our strict build.
  test(
    'a TypeScript consumer of "stackmod" type-checks (the README\'s example too) and runs',
    { timeout: 180_000 },
    () => {
      writeFileSync(join(app, "consumer.ts"), consumer);
      writeFileSync(join(app, "deploy.ts"), readmeExample());
      writeFileSync(
        join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            module: "nodenext",
            moduleResolution: "nodenext",
            target: "es2022",
            strict: true,
            outDir: "out",
            skipLibCheck: true,
            types: ["node"],
            typeRoots: [join(repo, "node_modules", "@types")],
          },
          files: ["consumer.ts", "deploy.ts"],
        }),
      );
      const compiled = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app, encoding: "utf8" });
      expect(compiled.stdout + compiled.stderr).toBe("");
      expect(compiled.status).toBe(0);
      const run = spawnSync(process.execPath, ["out/consumer.js"], { cwd: app, encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        version: pkg.version,
        rules: ["host-plus-network"],
        changed: true,
        strategies: expect.arrayContaining(["proxy"]),
        code: 1,
      });
    },
  );

  test("the report's JSON Schema is importable as a subpath", () => {
    writeFileSync(
      join(app, "schema.mjs"),
      'import schema from "stackmod/schema/report-v1.schema.json" with { type: "json" };\nconsole.log(schema.title);\n',
    );
    const schema = spawnSync(process.execPath, ["schema.mjs"], { cwd: app, encoding: "utf8" });
    expect(schema.stderr).toBe("");
    expect(schema.stdout).toBe("stackmod report, version 1\n");
  });

  test("version 0.x, one version everywhere, a CHANGELOG entry for it, engines and types set", () => {
    expect(pkg.version).toMatch(/^0\.\d+\.\d+$/);
    expect(version).toBe(pkg.version);
    expect(readFileSync(join(repo, "CHANGELOG.md"), "utf8")).toContain(`## [${pkg.version}]`);
    expect(pkg.engines.node).toMatch(/^>=20/);
    expect(pkg.types).toBe(pkg.exports["."].types);
  });
});
