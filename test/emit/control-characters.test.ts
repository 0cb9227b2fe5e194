import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { printable, printablePath } from "../../src/emit/printable.js";
import { runCli } from "../helpers/run-cli.js";
import { testDir } from "../helpers/paths.js";

const root = mkdtempSync(join(tmpdir(), "stackmod-control-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const esc = "\x1b";
const gateway = readFileSync(resolve(testDir, "..", "examples", "multicast-gateway-stack.yml"), "utf8");
const conflict = `services:
  web:
    image: nginx:1.27
    networks: [hostnet, backend]
networks:
  hostnet: {external: true, name: host}
  backend: {}
`;

/** A folder of its own holding `files`, and the run of `args` in it (paths relative to it). */
async function runIn(files: Record<string, string>, args: string[]) {
  const dir = mkdtempSync(join(root, "run-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(args);
  } finally {
    process.chdir(cwd);
  }
}

describe("text reports show control characters from file names and values, never send them", () => {
  it("printable escapes C0, DEL and C1 as JSON does; printablePath quotes such a path as git does", () => {
    expect(printable("a\x1b]0;t\x07b\nc\td\r\x7f\x9b")).toBe("a\\u001b]0;t\\u0007b\\nc\\td\\r\\u007f\\u009b");
    expect(printable("café 🐳 \u2028 ok")).toBe("café 🐳 \u2028 ok");
    expect(printablePath("a\x1b[2Jb\n.yml")).toBe('"a\\033[2Jb\\n.yml"');
    expect(printablePath('café "x".yml')).toBe('café "x".yml');
  });

  it("a file name that retitles and clears the terminal, found by a folder scan", async () => {
    const name = `a${esc}]0;OWNED\x07${esc}[2Jb.yml`;
    const run = await runIn({ [name]: conflict }, ["check", "."]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      '"a\\033]0;OWNED\\a\\033[2Jb.yml":4:16: error host-plus-network: service "web" is on the host network ' +
        '("hostnet") and on "backend"; Docker Engine 28+ refuses to start it\n' +
        "  engine: container sharing network namespace with another container or host cannot be connected to " +
        "any other network\n",
    );
    expect(run.stderr).not.toContain(esc);
  });

  it("an option key and an undeclared network with ESC, a line feed and a workflow command in them", async () => {
    const key = conflict.replace(
      "    image: nginx:1.27\n",
      `    image: nginx:1.27\n    x-stackmod: {"a\\n::error::x": 1}\n`,
    );
    const network = conflict.replace("[hostnet, backend]", `[hostnet, "back${esc}[2Jend"]`);
    const run = await runIn({ "key.yml": key, "network.yml": network }, ["check", "key.yml", "network.yml"]);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).not.toContain(esc);
    expect(run.stderr.split("\n")).toEqual([
      "key.yml:4:18: error BAD_OPTION: `services.web.x-stackmod`: unknown option `a\\n::error::x`; see " +
        "`stackmod transforms` for the allowed keys",
      'network.yml:4:25: error UNDECLARED_NETWORK: service "web" uses network "back\\u001b[2Jend", which is not ' +
        "declared under the top-level `networks:`; declare it there (`back\\u001b[2Jend: {}`, or " +
        "`back\\u001b[2Jend: {external: true, name: host}` if it is the host network), or, if this file " +
        "overrides another, check the two layered: stackmod check -c BASE.yml -c network.yml",
      "",
    ]);
  });

  it("a lan rewrite of a file whose name holds a line feed: each report line names it quoted", async () => {
    const name = "x\ntouch PWNED\n.yml";
    const run = await runIn({ [name]: gateway }, ["rewrite", "."]);
    expect(run.code).toBe(0);
    const lines = run.stderr.split("\n");
    expect(lines[0]).toBe('"x\\ntouch PWNED\\n.yml": rewrote "knx-gateway" with lan (dry run)');
    expect(lines).toContain('"x\\ntouch PWNED\\n.yml": would write "x\\ntouch PWNED\\n.lan-setup.sh" (mode 755):');
  });

  it("a value with ESC in a warning of rewrite", async () => {
    const text = conflict
      .replace("[hostnet, backend]", "[backend]")
      .replace("    networks:", `    network_mode: "host${esc}[2J"\n    networks:`);
    const run = await runIn({ "stack.yml": text }, ["rewrite", "stack.yml"]);
    expect(run.stdout + run.stderr).not.toContain(esc);
    expect(run.stderr).toContain("`network_mode: host\\u001b[2J`");
  });
});
