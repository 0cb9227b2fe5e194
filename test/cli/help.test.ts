import { describe, expect, test } from "vitest";
import { version } from "../../src/version.js";
import { runCli } from "../helpers/run-cli.js";

const commands = ["check", "rewrite", "explain", "transforms", "audit"];

/** The lines under "Examples:", without their comments. */
function examples(help: string): string[] {
  const section = help.split("\nExamples:\n")[1] ?? "";
  return section
    .split("\n\n")[0]!
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

describe("--help", () => {
  test("the program's help lists every command and examples", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    for (const command of commands) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, "m"));
    expect(examples(run.stdout).length).toBeGreaterThan(0);
  });

  test.each(commands)("%s --help has examples, each a valid command line of that command", async (command) => {
    const run = await runCli([command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith(`Usage: stackmod ${command}`)).toBe(true);
    const lines = examples(run.stdout);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(new RegExp(`(^|\\| )stackmod ${command}\\b`));
  });

  test("check and rewrite document the report and terminal options", async () => {
    for (const command of ["check", "rewrite"]) {
      const help = (await runCli([command, "--help"])).stdout;
      for (const flag of ["--format <format>", "-q, --quiet", "-v, --verbose", "--color", "--no-color"])
        expect(help).toContain(flag);
      // commander wraps the help to the terminal's width
      expect(help.replace(/\s+/g, " ")).toContain('(choices: "text", "json", "sarif", "github", default: "text")');
    }
  });

  test("--version prints the package's version; an unknown option says how to get help, exit 2", async () => {
    expect(await runCli(["--version"])).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    const wrong = await runCli(["check", "--frmat", "json"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown option '--frmat'");
    expect(wrong.stderr).toContain("(run with --help for usage)");
  });
});
