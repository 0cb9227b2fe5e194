import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { command, escapeData, escapeProperty } from "../../src/emit/github.js";
import { runCli } from "../helpers/run-cli.js";

describe("--format github", () => {
  test("escapes data and properties the way @actions/core does", () => {
    expect(escapeData("100% done\r\nnext: a,b")).toBe("100%25 done%0D%0Anext: a,b");
    expect(escapeProperty("C:\\dir,x/a%b.yml\n")).toBe("C%3A\\dir%2Cx/a%25b.yml%0A");
    expect(command("warning", { file: "a,b.yml", line: 3, col: 7, title: "stackmod x:y" }, "two\nlines")).toBe(
      "::warning file=a%2Cb.yml,line=3,col=7,title=stackmod x%3Ay::two%0Alines",
    );
  });

  test("one annotation per finding, with the engine's text on a second line", async () => {
    const run = await runCli([
      "check",
      "examples/bacnet-stack.yml",
      "examples/compose-network-mode.yml",
      "--format",
      "github",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "::error file=examples/bacnet-stack.yml,line=11,col=9,title=stackmod host-plus-network::" +
        'service "bacnet" is on the host network ("hostnet") and on "backend"; Docker Engine 28+ refuses to start it' +
        "%0AThe engine says: container sharing network namespace with another container or host cannot be " +
        "connected to any other network\n" +
        "::error file=examples/compose-network-mode.yml,line=6,col=19,title=stackmod network-mode-with-networks::" +
        'service "modbus-gateway" sets `network_mode: host` and `networks:`; Compose refuses the file' +
        "%0AThe engine says: service modbus-gateway declares mutually exclusive `network_mode` and `networks`: " +
        "invalid compose project\n",
    );
  });

  test("rewrite: a LOST flow is a warning annotation at the service's name, as in the text report", async () => {
    const run = await runCli(["rewrite", "examples/bacnet-stack.yml", "--format", "github"]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line !== "");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^::error file=examples\/bacnet-stack\.yml,line=11,col=9,title=stackmod host-plus-network::/,
    );
    expect(lines[1]).toBe(
      "::warning file=examples/bacnet-stack.yml,line=5,col=3,title=stackmod lost-flow::" +
        "flow bacnet → LAN: broadcast Who-Is (device discovery): LOST — a proxy cannot send broadcasts or join " +
        "groups " +
        "for it; use --direction outbound or --strategy lan",
    );
    const kept = await runCli(["rewrite", "examples/adguard-stack.yml", "--format", "github"]);
    expect(kept.stdout).not.toContain("lost-flow");
  });

  test("an unreadable file is an error annotation at its position", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-gh-"));
    const file = join(dir, "stack,1.yml");
    writeFileSync(file, "services:\n  web:\n    image: a\n    image: b\n");
    const run = await runCli(["check", file, "--format", "github"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      new RegExp(
        `^::error file=${dir.replace(/[/.]/g, "\\$&")}/stack%2C1\\.yml,line=4,col=5,title=stackmod ` +
          `YAML_DUPLICATE_KEY::.+\\n$`,
      ),
    );
  });
});
