import { spawnSync } from "node:child_process";
import { interpolate } from "../../../src/model/interpolate.js";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { check, rewrite, StackmodError } from "../../../src/index.js";
import { forwarderScript, type Forward } from "../../../src/strategies/proxy/socat.js";
import { stackmodErrorOf } from "../../helpers/stackmod-error.js";
import { testDir } from "../../helpers/paths.js";

const repo = join(testDir, "..");
const hostile = [
  "a;touch PWNED",
  "$(touch PWNED)",
  "`touch PWNED`",
  "a b",
  "a|b",
  "a&&b",
  "-rf",
  ".hidden",
  "a'b",
  'a"b',
  "a\\nb",
  "ä",
];

const stack = (service: string, network = "backend") =>
  [
    'version: "3.8"',
    "services:",
    `  ${JSON.stringify(service)}:`,
    "    image: bacnet:2.4",
    `    networks: [hostnet, ${JSON.stringify(network)}]`,
    '    x-stackmod: {ports: ["47808/udp"]}',
    "networks:",
    "  hostnet: {external: true, name: host}",
    `  ${JSON.stringify(network)}: {driver: overlay}`,
    "",
  ].join("\n");

describe("names Docker would refuse are refused before anything is generated", () => {
  for (const name of hostile) {
    it(`service ${JSON.stringify(name)}`, () => {
      const error = stackmodErrorOf(() => rewrite(stack(name), { file: "s.yml" }));
      expect(error.code).toBe("INVALID_NAME");
      expect(error.message).toBe(
        `service name ${JSON.stringify(name)} is not one Docker accepts (letters, digits, '_', '.', '-', starting ` +
          `with a letter or digit); rename it`,
      );
      expect([error.line, error.column]).toEqual([3, 3]);
    });
    it(`network ${JSON.stringify(name)}`, () => {
      const error = stackmodErrorOf(() => check(stack("bacnet", name), { file: "s.yml" }));
      expect(error.code).toBe("INVALID_NAME");
      expect(error.message).toMatch(/^network name .* is not one Docker accepts/);
    });
  }

  it("Docker's own names pass", () => {
    for (const name of ["bacnet", "plant_1", "a.b-c", "9lives"])
      expect(rewrite(stack(name), { file: "s.yml" }).changed).toBe(true);
  });
});

describe("the proxy's script: every word reaches socat exactly as meant", () => {
  /** Runs the script under sh with stub socat/ip that record their arguments, one line per call. */
  const runScript = (script: string) => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-sh-"));
    const log = join(dir, "calls");
    writeFileSync(
      join(dir, "socat"),
      // Records, then stops a moment later like a forwarder that dies: the script must then exit 1.
      // One write per call: the forwarders run side by side, and line pieces written apart interleaved.
      `#!/bin/sh\nline=\nfor a in "$@"; do line="$line[$a]"; done\nprintf '%s\\n' "$line" >> '${log}'\nsleep 0.3\n`,
    );
    writeFileSync(join(dir, "ip"), "#!/bin/sh\necho 'default via 10.9.8.7 dev eth0'\n");
    for (const tool of ["socat", "ip"]) chmodSync(join(dir, tool), 0o755);
    const run = spawnSync("/bin/sh", ["-c", script], { cwd: dir, env: { PATH: `${dir}:/usr/bin:/bin` } });
    expect(run.status).toBe(1);
    expect(run.stderr.toString()).toMatch(/^stackmod proxy: the forwarder of \d+\/(tcp|udp) stopped \(exit 0\)$/m);
    return { calls: readFileSync(log, "utf8").trim().split("\n").sort(), files: readdirSync(dir).sort() };
  };

  it("inbound: the rewritten file's proxy command passes exactly two socat arguments per port", () => {
    const text = stack("bacnet").replace('["47808/udp"]', '["47808/udp", 502]');
    const output = parse(rewrite(text, { file: "s.yml" }).output) as {
      services: Record<string, { command: string[] }>;
    };
    // What docker does to the value before the container sees it: `$$` is a literal `$`.
    const { calls, files } = runScript(interpolate(output.services["bacnet-proxy"]!.command[0]!, {}));
    expect(calls).toEqual(
      [
        "[-T][60][UDP4-LISTEN:47808,fork,max-children=256][UDP4:127.0.0.1:57808]",
        "[TCP4-LISTEN:502,fork,reuseaddr][TCP4:127.0.0.1:10502]",
      ].sort(),
    );
    expect(files).toEqual(["calls", "ip", "socat"]);
  });

  it("outbound: the gateway variable is expanded by the shell and nothing else is", () => {
    const { calls } = runScript(forwarderScript([{ protocol: "tcp", listen: 8123, to: "$GW:8123" }]));
    expect(calls).toEqual(["[TCP4-LISTEN:8123,fork,reuseaddr][TCP4:10.9.8.7:8123]"]);
  });

  const refused: Forward[] = [
    { protocol: "tcp", listen: 80, to: "127.0.0.1:80;touch PWNED" },
    { protocol: "tcp", listen: 80, to: "$(touch PWNED):80" },
    { protocol: "tcp", listen: 80, to: "host,exec=sh:80" },
    { protocol: "tcp", listen: 80, to: "127.0.0.1:80 & touch PWNED" },
    { protocol: "tcp", listen: 0, to: "127.0.0.1:80" },
    { protocol: "udp", listen: 70000, to: "127.0.0.1:80" },
    { protocol: "udp", listen: Number.NaN, to: "127.0.0.1:80" },
    { protocol: "sctp" as "tcp", listen: 80, to: "127.0.0.1:80" },
  ];
  for (const forward of refused) {
    it(`refuses to generate ${JSON.stringify(forward)}`, () => {
      expect(stackmodErrorOf(() => forwarderScript([forward])).code).toBe("INTERNAL");
    });
  }
});

describe("stackmod never runs what the file or the environment holds", () => {
  it("command substitutions in values, defaults and variables stay text", () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-noexec-"));
    const marker = join(dir, "PWNED");
    const text = stack("bacnet")
      .replace(
        "image: bacnet:2.4",
        `image: "bacnet:\${TAG:-$(touch ${marker})}"\n    command: ["sh", "-c", "$(touch ${marker})"]`,
      )
      .replace("networks: [hostnet", 'networks: [hostnet, "${EXTRA:-backend}"');
    const env = { EXTRA: `backend$(touch ${marker})`, TAG: `\`touch ${marker}\`` };
    expect(() => check(text, { file: "s.yml", env })).toThrow(StackmodError);
    const result = rewrite(text, { file: "s.yml", env: {} });
    expect(result.output).toContain(`$(touch ${marker})`);
    expect(existsSync(marker)).toBe(false);
  });

  it("no module of the library can start a process or evaluate code", () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => join(e.parentPath, e.name));
    for (const file of sources("src")) {
      const text = readFileSync(file, "utf8");
      expect(text, file).not.toMatch(
        /node:child_process|from "child_process"|\beval\(|new Function\(|node:vm\b|\bexecSync\b|\bspawn\(/,
      );
    }
  });
});
