import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { expandPaths } from "../../src/io/files.js";
import { runCli } from "../helpers/run-cli.js";
import { testDir } from "../helpers/paths.js";

const repo = resolve(testDir, "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
}

describe(".pre-commit-hooks.yaml", () => {
  const hooks = parse(readFileSync(join(repo, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
  const byId = Object.fromEntries(hooks.map((h) => [h.id, h]));

  test("two node hooks whose command is the package's bin", () => {
    expect(hooks.map((h) => h.id)).toEqual(["stackmod-check", "stackmod-fix"]);
    for (const hook of hooks) {
      expect(hook.language).toBe("node");
      expect(Object.keys(pkg.bin)).toContain(hook.entry.split(" ")[0]);
    }
  });

  test("their files pattern (by name, all pre-commit can do) picks only files a folder search finds too", () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-hooks-"));
    const names = [
      "docker-compose.yml",
      "compose.yaml",
      "Stack.YML",
      "prod-stack.yml",
      "stack.prod.yml",
      "values.yml",
      "jitsi.yml",
      "composer.json",
      "stack.yml.bak",
      "my-stacks.yaml",
    ];
    for (const name of names) writeFileSync(join(dir, name), "services:\n  a: {image: x}\n");
    const searched = expandPaths([dir])
      .map((p) => p.slice(dir.length + 1))
      .sort();
    // A folder search goes by content: every YAML file with a top-level services:.
    expect(searched).toEqual([
      "Stack.YML",
      "compose.yaml",
      "docker-compose.yml",
      "jitsi.yml",
      "my-stacks.yaml",
      "prod-stack.yml",
      "stack.prod.yml",
      "values.yml",
    ]);
    for (const hook of hooks) {
      const pattern = new RegExp(hook.files.replace(/^\(\?i\)/, ""), hook.files.startsWith("(?i)") ? "i" : "");
      expect(
        names.filter((n) => pattern.test(n)),
        hook.id,
      ).toEqual([
        "docker-compose.yml",
        "compose.yaml",
        "Stack.YML",
        "prod-stack.yml",
        "stack.prod.yml",
        "my-stacks.yaml",
      ]);
      for (const name of names.filter((n) => pattern.test(n))) expect(searched, hook.id).toContain(name);
    }
  });

  test("the check hook fails on a conflict; the fix hook rewrites it; then the check passes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-hooks-"));
    const file = join(dir, "stack.yml");
    copyFileSync(join(repo, "examples", "bacnet-stack.yml"), file);
    const args = (hook: Hook) => [...hook.entry.split(" ").slice(1), file];
    expect((await runCli(args(byId["stackmod-check"]!))).code).toBe(1);
    expect((await runCli(args(byId["stackmod-fix"]!))).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("bacnet-proxy:");
    expect((await runCli(args(byId["stackmod-check"]!))).code).toBe(0);
  });
});

describe("action.yml", () => {
  const action = parse(readFileSync(join(repo, "action.yml"), "utf8"));
  const steps: { id?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string> }[] =
    action.runs.steps;

  test("a composite action that uploads SARIF; every input it uses is declared; every script says its shell", () => {
    expect(action.runs.using).toBe("composite");
    expect(steps.some((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))).toBe(true);
    const used = [...readFileSync(join(repo, "action.yml"), "utf8").matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]);
    for (const input of used) expect(Object.keys(action.inputs)).toContain(input);
    for (const step of steps.filter((s) => s.run)) expect(step.shell).toBe("bash");
    expect(steps.find((s) => s.id === "check")!.run).toContain(
      `"$GITHUB_ACTION_PATH/${pkg.bin.stackmod.replace(/^\.\//, "")}"`,
    );
  });

  test("the README documents every input and both hooks", () => {
    const readme = readFileSync(join(repo, "README.md"), "utf8");
    for (const input of Object.keys(action.inputs)) expect(readme, input).toContain(`\`${input}\``);
    for (const id of ["stackmod-check", "stackmod-fix"]) expect(readme).toContain(`id: ${id}`);
  });

  /** Runs a step's script the way a runner does (bash -eo pipefail), with its env: inputs as given. */
  function runStep(step: (typeof steps)[number], env: Record<string, string>) {
    return spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
      cwd: repo,
      encoding: "utf8",
      env: { PATH: process.env.PATH!, ...env },
    });
  }

  test("its check step writes SARIF and the exit code; its result step fails as configured", () => {
    if (!existsSync(join(repo, "dist", "src", "cli", "main.js")))
      throw new Error("dist/ is missing: run `npm run build` first (`npm test` does)");
    const dir = mkdtempSync(join(tmpdir(), "stackmod-action-"));
    const output = join(dir, "github-output");
    writeFileSync(output, "");
    const sarif = join(dir, "out.sarif");
    const check = runStep(
      steps.find((s) => s.id === "check")!,
      {
        GITHUB_ACTION_PATH: repo,
        GITHUB_OUTPUT: output,
        STACKMOD_PATHS: "examples/bacnet-stack.yml examples/homeassistant-stack.yml",
        STACKMOD_ARGS: "--target swarm",
        STACKMOD_SARIF: sarif,
      },
    );
    expect(check.status, check.stderr).toBe(0);
    expect(readFileSync(output, "utf8")).toBe("exit-code=1\n");
    expect(JSON.parse(readFileSync(sarif, "utf8")).runs[0].results).toHaveLength(2);

    const result = steps.find((s) => s.env && "STACKMOD_CODE" in s.env)!;
    const status = (code: string, fail: string) =>
      runStep(result, { STACKMOD_CODE: code, STACKMOD_FAIL_ON_FINDINGS: fail }).status;
    expect([status("0", "true"), status("1", "true"), status("1", "false"), status("2", "false")]).toEqual([
      0, 1, 0, 2,
    ]);
  });
});
