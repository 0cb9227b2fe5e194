import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { colorEnabled } from "../../src/emit/color.js";
import { progressThreshold } from "../../src/cli/progress.js";
import { runCli } from "../helpers/run-cli.js";

const esc = "\x1b[";
const bacnet = "examples/bacnet-stack.yml";

describe("colour", () => {
  test("the flag wins, then FORCE_COLOR, then NO_COLOR and TERM=dumb, then the terminal", () => {
    expect(colorEnabled(undefined, {}, true)).toBe(true);
    expect(colorEnabled(undefined, {}, false)).toBe(false);
    expect(colorEnabled(undefined, { NO_COLOR: "1" }, true)).toBe(false);
    expect(colorEnabled(undefined, { NO_COLOR: "" }, true)).toBe(true);
    expect(colorEnabled(undefined, { TERM: "dumb" }, true)).toBe(false);
    expect(colorEnabled(undefined, { FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled(undefined, { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled(undefined, { FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colorEnabled(undefined, { FORCE_COLOR: "false" }, true)).toBe(false);
    expect(colorEnabled(true, { NO_COLOR: "1" }, false)).toBe(true);
    expect(colorEnabled(false, { FORCE_COLOR: "1" }, true)).toBe(false);
  });

  test("the diff is coloured on a terminal, line by line, and plain elsewhere", async () => {
    const plain = await runCli(["rewrite", bacnet]);
    const tty = await runCli(["rewrite", bacnet], { tty: { stdout: true, stderr: true } });
    expect(plain.stdout).not.toContain(esc);
    expect(tty.stdout).toContain(`${esc}1m--- a/examples/bacnet-stack.yml${esc}22m\n`);
    expect(tty.stdout).toContain(`${esc}31m-      - hostnet   # BACnet/IP broadcast discovery on UDP 47808${esc}39m\n`);
    expect(tty.stdout).toContain(`${esc}32m+  bacnet-proxy:${esc}39m\n`);
    expect(tty.stdout).toMatch(new RegExp(`\\x1b\\[36m@@ -\\d+,\\d+ \\+\\d+,\\d+ @@\\x1b\\[39m\\n`));
    // eslint-disable-next-line no-control-regex -- the colour codes are what is removed
    expect(tty.stdout.replace(/\x1b\[\d+m/g, "")).toBe(plain.stdout);
  });

  test("findings: NO_COLOR, --no-color turn it off on a terminal; --color, FORCE_COLOR on elsewhere", async () => {
    const terminal = { stdout: true, stderr: true };
    expect((await runCli(["check", bacnet], { tty: terminal })).stdout).toContain(`${esc}31m${esc}1merror`);
    expect((await runCli(["check", bacnet], { tty: terminal, env: { NO_COLOR: "1" } })).stdout).not.toContain(esc);
    expect((await runCli(["check", bacnet, "--no-color"], { tty: terminal })).stdout).not.toContain(esc);
    expect((await runCli(["check", bacnet, "--color"])).stdout).toContain(`${esc}31m`);
    expect((await runCli(["check", bacnet], { env: { FORCE_COLOR: "1" } })).stdout).toContain(`${esc}31m`);
    expect((await runCli(["rewrite", bacnet, "--stdout"], { tty: terminal })).stdout).not.toContain(esc);
  });
});

describe("progress line", () => {
  const batch = () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-progress-"));
    for (let i = 0; i < progressThreshold; i++)
      copyFileSync("examples/homeassistant-stack.yml", join(dir, `s${String(i).padStart(2, "0")}-stack.yml`));
    return dir;
  };

  test("a long batch on a terminal shows [i/n] on stderr and clears it before anything else is printed", async () => {
    const dir = batch();
    const run = await runCli(["check", dir, "--format", "json"], { tty: { stdout: false, stderr: true } });
    expect(run.stderr).toContain(`\r${esc}K[1/${progressThreshold}] ${join(dir, "s00-stack.yml")}`);
    expect(run.stderr).toContain(
      `\r${esc}K[${progressThreshold}/${progressThreshold}] ${join(dir, `s${progressThreshold - 1}-stack.yml`)}`,
    );
    expect(run.stderr.endsWith(`\r${esc}K`)).toBe(true);
    expect(JSON.parse(run.stdout).summary.files).toBe(progressThreshold);
  });

  test("none when stderr is not a terminal, with --quiet, or for a short run", async () => {
    const dir = batch();
    expect((await runCli(["check", dir, "--format", "json"], { tty: { stdout: true } })).stderr).toBe("");
    expect((await runCli(["check", dir, "--quiet"], { tty: { stderr: true } })).stderr).toBe("");
    expect((await runCli(["check", bacnet, "--format", "json"], { tty: { stderr: true } })).stderr).toBe("");
  });
});

describe("what to do next, --quiet, --verbose", () => {
  test("check names the command that shows and applies the fix, without the display flags", async () => {
    const run = await runCli(["check", bacnet, "--no-color", "-v"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `1 conflict found. See the fix with: stackmod rewrite ${bacnet}\napply it with: stackmod rewrite ${bacnet} ` +
        `--write\n`,
    );
  });

  test("a dry run and rewrite --check name the --write command with its options; stdin gets --stdout", async () => {
    const dry = await runCli(["rewrite", bacnet, "--strategy", "proxy"]);
    expect(
      dry.stderr.endsWith(`1 file would change. Apply with: stackmod rewrite ${bacnet} --strategy proxy --write\n`),
    ).toBe(true);
    const checked = await runCli(["rewrite", "--check", bacnet]);
    expect(checked.code).toBe(1);
    expect(checked.stderr.endsWith(`Apply with: stackmod rewrite ${bacnet} --write\n`)).toBe(true);
    const stdin = await runCli(["rewrite", "-", "--port", "a=8080"], {
      stdin:
        "services:\n  a:\n    image: x\n    networks: [hostnet, backend]\nnetworks:\n  hostnet: {external: true, " +
        "name: host}\n  backend: {}\n",
    });
    expect(stdin.stderr).toContain("Apply with: stackmod rewrite - --port a=8080 --stdout\n");
  });

  test("--quiet prints only errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-quiet-"));
    const warned = join(dir, "warned-stack.yml");
    const broken = join(dir, "broken-stack.yml");
    writeFileSync(
      warned,
      'version: "3.8"\nservices:\n  a:\n    image: x\n    network_mode: bridge\n    deploy:\n      replicas: 1\n',
    );
    writeFileSync(broken, "services: [\n");
    expect((await runCli(["check", warned])).stdout).toContain("warning network-mode-in-stack");
    expect(await runCli(["check", warned, "-q"])).toEqual({ code: 0, stdout: "", stderr: "" });
    const loud = await runCli(["rewrite", "examples/homeassistant-stack.yml"]);
    expect(loud.stderr).toContain(
      `examples/homeassistant-stack.yml: rewrote "homeassistant" with proxy outbound (dry run)`,
    );
    const quiet = await runCli(["rewrite", "examples/homeassistant-stack.yml", broken, "--quiet"]);
    expect(quiet.code).toBe(2);
    expect(quiet.stdout).toBe(loud.stdout);
    expect(quiet.stderr).toMatch(
      new RegExp(`^${broken.replace(/[/.]/g, "\\$&")}:\\d+:\\d+: error YAML_SYNTAX: [^\\n]+\\n$`),
    );
    const check = await runCli(["check", bacnet, "-q"]);
    expect(check.stderr).toBe("");
    expect(check.stdout).toContain("error host-plus-network");
  });

  test("--verbose says what was read and which options are in effect", async () => {
    const run = await runCli(["rewrite", bacnet, "--verbose", "--port", "bacnet=47808/udp"]);
    expect(run.stderr).toContain(`stackmod: 1 file to rewrite: ${bacnet}\n`);
    expect(run.stderr).toContain(
      `stackmod: options from the command line: {"services":{"bacnet":{"ports":["47808/udp"]}}}\n`,
    );
    expect(run.stderr).toMatch(new RegExp(`stackmod: read ${bacnet} \\(\\d+ bytes\\)\\n`));
    expect(run.stderr).toContain(`stackmod: ${bacnet}: 1 finding(s), changed\n`);
  });
});
