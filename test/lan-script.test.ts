import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { rewrite } from "../src/index.js";
import { setupScript, type LanNetwork } from "../src/lan/setup-script.js";
import { shellQuote } from "../src/lan/shell-quote.js";

const fixtures = join(import.meta.dirname, "fixtures", "lan");
const work = mkdtempSync(join(tmpdir(), "stackmod-lan-script-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function lint(script: string, severity = "style"): { bash: string; dash: string; shellcheck: string } {
  const file = join(work, "lint.sh");
  writeFileSync(file, script);
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { encoding: "utf8" });
    if (result.error) throw result.error;
    return `${result.status}${result.stdout}${result.stderr}`;
  };
  return {
    bash: run("bash", ["-n", file]),
    dash: run("sh", ["-n", file]),
    shellcheck: run("shellcheck", ["--shell=sh", `--severity=${severity}`, file]),
  };
}

const clean = { bash: "0", dash: "0", shellcheck: "0" };

describe("the setup script of each lan fixture", () => {
  const cases = readdirSync(fixtures)
    .filter((f) => f.endsWith(".input.yml"))
    .map((f) => f.replace(/\.input\.yml$/, ""))
    .sort();
  for (const name of cases) {
    const read = (suffix: string) =>
      existsSync(join(fixtures, name + suffix)) ? readFileSync(join(fixtures, name + suffix), "utf8") : undefined;
    const target = read(".target")?.trim() as "swarm" | "compose" | undefined;
    const result = () =>
      rewrite(read(".input.yml")!, {
        file: `${name}.yml`,
        options: JSON.parse(read(".options.json") ?? "{}") as Record<string, unknown>,
        ...(target ? { target } : {}),
      });

    it(`${name}: matches ${name}.lan-setup.sh byte for byte (Compose needs none)`, () => {
      const expected = read(".lan-setup.sh");
      const files = result().extraFiles;
      if (target === "compose") expect(files).toEqual([]);
      else expect(files).toEqual([{ path: `${name}.lan-setup.sh`, content: expected, mode: 0o755 }]);
    });

    if (target !== "compose") {
      it(`${name}: bash -n, sh -n and shellcheck find nothing`, () => {
        expect(lint(result().extraFiles[0]!.content)).toEqual(clean);
      });
    }
  }
});

const plain: LanNetwork = {
  name: "plant-lan",
  driver: "macvlan",
  ipvlanMode: undefined,
  parent: "eth0",
  subnet: "10.0.0.0/8",
  gateway: undefined,
  ipRanges: [],
};

describe("script variants lint clean", () => {
  it.each([
    ["macvlan, no gateway, no ranges", [plain]],
    [
      "ipvlan l2 with ranges, two networks",
      [
        plain,
        {
          ...plain,
          name: "iot",
          driver: "ipvlan",
          ipvlanMode: "l2",
          parent: "eth1",
          gateway: "10.0.0.1",
          ipRanges: [{ node: "a", range: "10.1.0.0/16" }],
        },
      ],
    ],
  ] as [string, LanNetwork[]][])("%s", (_, networks) => {
    expect(lint(setupScript("stack.yml", "stack.lan-setup.sh", networks))).toEqual(clean);
  });
});

describe("nothing from the file reaches the shell as code", () => {
  it("shellQuote gives back every string as one word, byte for byte", () => {
    const values = fc.sample(
      fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !s.includes("\0")),
      300,
    );
    values.push("'", "''", "\\'", "$(touch x)", "`id`", "a\nb", "*", "~", "-n", "", " ");
    const script = values.map((v) => `printf '%s\\036' ${shellQuote(v)}`).join("\n");
    const out = execFileSync("sh", ["-c", script], { encoding: "utf8" });
    expect(out.split("\u001e").slice(0, -1)).toEqual(values);
  });

  it("hostile names, addresses and file names are passed to docker as literal arguments", () => {
    const canary = join(work, "pwned");
    const evil = (s: string) => s.replaceAll("CANARY", canary);
    const network: LanNetwork = {
      name: evil("x'$(touch CANARY)'"),
      driver: "macvlan",
      ipvlanMode: undefined,
      parent: evil("eth0;touch CANARY"),
      subnet: evil('10.0.0.0/8"; touch CANARY'),
      gateway: evil("`touch CANARY`"),
      ipRanges: [{ node: evil("n$(touch CANARY)"), range: evil("10.1.0.0/16' && touch CANARY #") }],
    };
    const script = setupScript(evil("a$(touch CANARY)\ntouch CANARY.yml"), "s.sh", [network]);
    const bin = join(work, "bin");
    execFileSync("mkdir", ["-p", bin]);
    // Records the arguments it is given; answers as a manager where no network exists yet.
    writeFileSync(
      join(bin, "docker"),
      '#!/bin/sh\ncase "$1 $2" in\n  "info --format") echo true; exit 0 ;;\n  "network inspect") exit 1 ;;\nesac\n{ for a in "$@"; do printf \'%s\\036\' "$a"; done; printf \'\\n\'; } >> "$DOCKER_LOG"\n',
    );
    chmodSync(join(bin, "docker"), 0o755);
    const log = join(work, "docker.log");
    writeFileSync(join(work, "setup.sh"), script);
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, DOCKER_LOG: log };
    const ran = spawnSync("sh", [join(work, "setup.sh"), network.ipRanges[0]!.node], { env, encoding: "utf8" });
    expect(ran.status, ran.stderr).toBe(0);
    const calls = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\u001e").slice(0, -1));
    expect(calls).toEqual([
      [
        "network",
        "create",
        "--config-only",
        "--subnet",
        network.subnet,
        "--gateway",
        network.gateway,
        "--ip-range",
        network.ipRanges[0]!.range,
        "-o",
        `parent=${network.parent}`,
        `${network.name}-config`,
      ],
      [
        "network",
        "create",
        "-d",
        "macvlan",
        "--scope",
        "swarm",
        "--config-from",
        `${network.name}-config`,
        network.name,
      ],
    ]);
    const unknown = spawnSync("sh", [join(work, "setup.sh"), evil("other$(touch CANARY)")], { env, encoding: "utf8" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(
      `no IP range for node ${evil("other$(touch CANARY)")} in lan.ipRanges of ${basename(evil("a$(touch CANARY)\ntouch CANARY.yml"))}; add one, or give the node name as the first argument\n`,
    );
    expect(existsSync(canary)).toBe(false);
    // Only SC2016 (info: "expressions don't expand in single quotes") is left, which is the point.
    expect(lint(script, "warning")).toEqual(clean);
  });
});
