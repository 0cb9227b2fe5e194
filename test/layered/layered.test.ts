import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkLayered, rewriteLayered, type Layer } from "../../src/layered/layered.js";
import { parse } from "yaml";
import { rewrite } from "../../src/index.js";
import { refusedByEngine, sortExpected } from "../helpers/engine-oracle.js";
import { runCli } from "../helpers/run-cli.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";
import { stackConfig } from "../helpers/stack-config.js";
import { testDir } from "../helpers/paths.js";

const bin = resolve(testDir, "..", "bin/stackmod.js");

/** `docker-compose -f A -f B config` (Compose v1, no engine): the merged file it prints; throws when it refuses. */
function composeConfig(files: [name: string, text: string][]): string {
  const dir = mkdtempSync(join(tmpdir(), "stackmod-compose-layers-"));
  try {
    const args = files.flatMap(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return ["-f", name];
    });
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, DOCKER_HOST: "unix:///nonexistent.sock" };
    return execFileSync("docker-compose", [...args, "config"], { cwd: dir, stdio: "pipe", env }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `-c A -c B`: merged as `docker stack config -c A -c B` merges them, checked against the real CLI. */
const hostAndBackend = "networks:\n  hostnet:\n    external: true\n    name: host\n  backend:\n    driver: overlay\n";

const cases: {
  name: string;
  layers: Layer[];
  findings: { rule: string; service: string; file: string; line: number }[];
}[] = [
  {
    name: "the conflict is in the base; the override changes placement",
    layers: [
      {
        file: "base.yml",
        text:
          `version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.4\n    networks:\n      - ` +
          `hostnet\n      - backend\n${hostAndBackend}`,
      },
      {
        file: "prod.yml",
        text:
          `version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.5\n    deploy:\n      ` +
          `placement:\n        constraints: [node.labels.plant == true]\n`,
      },
    ],
    findings: [{ rule: "host-plus-network", service: "bacnet", file: "base.yml", line: 6 }],
  },
  {
    name: "networks declared in the base, the service attached in the override",
    layers: [
      {
        file: "base.yml",
        text:
          `version: "3.8"\nservices:\n  influxdb:\n    image: influxdb:2.7\n    networks: ` +
          `[backend]\n${hostAndBackend}`,
      },
      {
        file: "override.yml",
        text:
          `version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.4\n    networks:\n      - ` +
          `backend\n      - hostnet\n`,
      },
    ],
    findings: [{ rule: "host-plus-network", service: "bacnet", file: "override.yml", line: 7 }],
  },
  {
    name: "service networks append across files: the conflict exists only merged",
    layers: [
      {
        file: "base.yml",
        text:
          `version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.4\n    networks: ` +
          `[backend]\n${hostAndBackend}`,
      },
      { file: "host.yml", text: `version: "3.8"\nservices:\n  bacnet:\n    networks: [hostnet]\n` },
    ],
    findings: [{ rule: "host-plus-network", service: "bacnet", file: "host.yml", line: 4 }],
  },
  {
    name: "a later port with the same published port replaces the earlier (mode host instead of ingress)",
    layers: [
      {
        file: "base.yml",
        text:
          `version: "3.8"\nservices:\n  ha:\n    image: ha:1\n    networks: [hostnet]\n    ports:\n      - ` +
          `"8123:8123"\n      - "9000:9000"\n${hostAndBackend}`,
      },
      {
        file: "ports.yml",
        text: `version: "3.8"\nservices:\n  ha:\n    ports:\n      - {target: 8123, published: 8123, mode: host}\n`,
      },
    ],
    findings: [{ rule: "host-ingress-port", service: "ha", file: "base.yml", line: 8 }],
  },
  {
    name: "a later top-level declaration replaces the earlier: backend becomes the host network",
    layers: [
      {
        file: "base.yml",
        text:
          `version: "3.8"\nservices:\n  app:\n    image: app:1\n    networks: [backend, other]\nnetworks:\n  ` +
          `backend: {driver: overlay}\n  other: {driver: overlay}\n`,
      },
      { file: "prod.yml", text: `version: "3.8"\nnetworks:\n  backend:\n    external: true\n    name: host\n` },
    ],
    findings: [{ rule: "host-plus-network", service: "app", file: "base.yml", line: 5 }],
  },
];

describe("layered stacks (-c A -c B)", () => {
  for (const { name, layers, findings } of cases) {
    it(`${name}: check reports it against the file and line that introduced it`, () => {
      const result = checkLayered(layers);
      expect(result.findings.map((f) => ({ rule: f.rule, service: f.service, file: f.file, line: f.line }))).toEqual(
        findings,
      );
    });

    it(`${name}: docker stack config -c ... -c ... merges to the same conflicts`, () => {
      const merged = stackConfig({ files: layers.map((l) => [l.file, l.text]) });
      expect(merged.ok ? "accepted" : merged.error).toBe("accepted");
      if (!merged.ok) return;
      expect(refusedByEngine(merged.output, "swarm")).toEqual(
        sortExpected(findings.map(({ rule, service }) => ({ rule, service }))),
      );
    });
  }

  it("the rules that look at a file's top level run on each file, with the declarations that win the merge", () => {
    const base =
      'version: "3.8"\nservices:\n  a:\n    image: x\n    networks: [hostnet]\nnetworks:\n  hostnet:\n    driver: ' +
      "host\n";
    const fixed = 'version: "3.8"\nservices: {}\nnetworks:\n  hostnet:\n    external: true\n    name: host\n';
    const alone = checkLayered([{ file: "base.yml", text: base }]).findings;
    expect(alone.map((f) => [f.rule, f.file, f.line])).toEqual([["host-driver-network", "base.yml", 7]]);
    const overridden = checkLayered([
      { file: "base.yml", text: base },
      { file: "prod.yml", text: fixed },
    ]).findings;
    expect(overridden.map((f) => f.rule)).toEqual([]);
  });

  it("each finding points into the file that writes its node, when a later file sets its network_mode", () => {
    const override = { file: "b.yml", text: 'version: "3.8"\nservices:\n  app:\n    network_mode: host\n' };
    const where = (text: string) =>
      checkLayered([{ file: "a.yml", text }, override]).findings.map((f) => [f.rule, f.file, f.line, f.column]);
    const own =
      'version: "3.8"\nservices:\n  app:\n    image: app:1\n    container_name: app\n    deploy: {replicas: 1}\n';
    expect(where(own)).toEqual([
      ["stack-deprecated-key", "a.yml", 5, 5],
      ["network-mode-in-stack", "b.yml", 4, 19],
    ]);
    // Merged in from an anchor of the base: the alias is followed in the base, where the anchor is.
    const merged =
      'version: "3.8"\nx-o: &o\n  container_name: c\nservices:\n  app:\n    <<: *o\n    image: app:1\n' +
      "    deploy: {replicas: 1}\n";
    expect(where(merged)).toEqual([
      ["stack-deprecated-key", "a.yml", 3, 3],
      ["network-mode-in-stack", "b.yml", 4, 19],
    ]);
  });

  it("x-stackmod.engine: a later file's replaces an earlier one's, as every key does", () => {
    const file = (engine: string) => `version: "3.8"\nx-stackmod: {engine: "${engine}"}\nservices: {}\n`;
    const layers = (...engines: string[]) => engines.map((engine, i) => ({ file: `f${i}.yml`, text: file(engine) }));
    expect(checkLayered(layers("27.5", "28.1")).engine).toBe("28.1");
    expect(checkLayered(layers("28.1", "27.5")).engine).toBe("27.5");
    expect(checkLayered([...layers("27.5"), { file: "x.yml", text: 'version: "3.8"\nservices: {}\n' }]).engine).toBe(
      "27.5",
    );
  });

  it("rewrite edits only the file that holds the conflict, and the merged stack is accepted and clean", () => {
    for (const { layers, findings } of [cases[0]!, cases[1]!, cases[3]!]) {
      const result = rewriteLayered(layers, { options: { ports: ["47808/udp"], services: { ha: { ports: [8123] } } } });
      expect(result.edited).toEqual([findings[0]!.file]);
      for (const [index, file] of result.files.entries()) {
        if (file.file !== findings[0]!.file) expect(file.output).toBe(layers[index]!.text);
        else expect(file.diff).toContain(`--- a/${file.file}`);
      }
      expect(result.remaining.filter((f) => f.severity === "error")).toEqual([]);
      const merged = stackConfig({ files: result.files.map((f) => [f.file, f.output]) });
      expect(merged.ok ? refusedByEngine(merged.output, "swarm") : merged.error).toEqual([]);
      const again = rewriteLayered(
        result.files.map((f) => ({ file: f.file, text: f.output })),
        {},
      );
      expect(again.edited).toEqual([]);
    }
  });

  it("rewrite fixes a key written in the override in the override, and leaves one it has no fix for", () => {
    const layers: Layer[] = [
      {
        file: "base.yml",
        text: `version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    deploy:\n      replicas: 1\n`,
      },
      { file: "override.yml", text: `version: "3.8"\nservices:\n  web:\n    mem_limit: 1g\n    cpu_shares: 512\n` },
    ];
    const result = rewriteLayered(layers, {});
    expect(result.edited).toEqual(["override.yml"]);
    expect(result.files[1]!.output).toBe(
      `version: "3.8"\nservices:\n  web:\n    cpu_shares: 512\n    deploy:\n      resources:\n        limits:\n` +
        `          memory: "1g"\n`,
    );
    const left = result.remaining.filter((f) => f.severity === "error");
    expect(left.map((f) => [f.rule, f.key, f.file, f.line, f.column])).toEqual([
      ["stack-forbidden-key", "cpu_shares", "override.yml", 4, 5],
    ]);
  });

  describe("rewrite of a service refused only once the files are merged: planned merged, written per file", () => {
    const base4 =
      'version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80" # the admin page\n' +
      `    networks:\n      - backend\n${hostAndBackend}`;
    const prod4 = 'version: "3.8"\nservices:\n  web:\n    networks:\n      - hostnet\n    deploy:\n      replicas: 1\n';
    const spanning: { name: string; layers: Layer[]; options: Record<string, unknown>; outputs: string[] }[] = [
      {
        name: "the host network in the override, the overlay in the base; publish edits the override only",
        layers: cases[2]!.layers,
        options: { strategy: "publish", ports: ["47808/udp"] },
        outputs: [
          cases[2]!.layers[0]!.text,
          'version: "3.8"\nservices:\n  bacnet:\n    ports:\n      - target: 47808\n        published: 47808\n' +
            "        protocol: udp\n        mode: host\n",
        ],
      },
      {
        name: "the host network in the override, the overlay in the base; proxy: the helper goes in the override",
        layers: cases[2]!.layers,
        options: { strategy: "proxy", ports: ["47808/udp"] },
        outputs: [
          cases[2]!.layers[0]!.text,
          'version: "3.8"\nservices:\n  bacnet:\n    ports:\n      - target: 47808\n        published: 57808\n' +
            "        protocol: udp\n        mode: ingress\n  bacnet-proxy:\n    image: alpine/socat:1.8.0.1\n" +
            '    entrypoint:\n      - /bin/sh\n      - "-c"\n    command:\n' +
            "      - \"trap 'exit 0' TERM INT; trap 'exit 1' USR1; { socat -T 60 " +
            'UDP4-LISTEN:47808,fork,max-children=256 UDP4:127.0.0.1:57808; echo \\"stackmod proxy: ' +
            'the forwarder of 47808/udp stopped (exit $$?)\\" >&2; ' +
            'kill -USR1 $$$$; } & wait; exit 1"\n    networks:\n      - hostnet\n',
        ],
      },
      {
        name: "a port published in the base, the service made host in the override",
        layers: [
          { file: "base.yml", text: base4 },
          { file: "prod.yml", text: prod4 },
        ],
        options: { strategy: "publish", services: { web: { ports: [80] } } },
        outputs: [
          base4.replace(
            '      - "8080:80" # the admin page\n',
            "      - target: 80 # the admin page\n        published: 80\n" +
              "        protocol: tcp\n        mode: host\n",
          ),
          'version: "3.8"\nservices:\n  web:\n    deploy:\n      replicas: 1\n',
        ],
      },
    ];
    for (const { name, layers, options, outputs } of spanning) {
      it(`${name}: every file's bytes, accepted merged by docker stack config, idempotent`, () => {
        const result = rewriteLayered(layers, { options });
        const texts = result.files.map((f) => f.output);
        expect(texts).toEqual(outputs);
        expect(result.edited).toEqual(layers.filter((l, i) => l.text !== texts[i]).map((l) => l.file));
        expect(result.remaining.filter((f) => f.severity === "error")).toEqual([]);
        const merged = stackConfig({ files: result.files.map((f) => [f.file, f.output]) });
        expect(merged.ok ? refusedByEngine(merged.output, "swarm") : merged.error).toEqual([]);
        // The same rewrite of the file docker merges the inputs to reads as the layered output merged.
        const input = stackConfig({ files: layers.map((l) => [l.file, l.text]) });
        if (!input.ok || !merged.ok) throw new Error("docker stack config refused the stack");
        const single = rewrite(input.output, { file: "merged.yml", options });
        const alone = stackConfig({ files: [["merged.yml", single.output]] });
        expect(alone.ok ? parse(alone.output) : alone.error).toEqual(parse(merged.output));
        const again = rewriteLayered(result.files.map((f) => ({ file: f.file, text: f.output })));
        expect(again.edited).toEqual([]);
      });
    }

    it("Compose: network_mode: host in the override; the override's emptied service stays as `{}`", () => {
      const base =
        'services:\n  app:\n    image: nginx:1.27\n    networks: [backend]\n    ports:\n      - "8080:80"\n' +
        "networks:\n  backend: {}\n";
      const layers: Layer[] = [
        { file: "docker-compose.yml", text: base },
        { file: "docker-compose.override.yml", text: "services:\n  app:\n    network_mode: host\n" },
      ];
      const options = { strategy: "publish" as const, services: { app: { ports: [80] } } };
      const result = rewriteLayered(layers, { options });
      expect(result.files.map((f) => f.output)).toEqual([
        base.replace('"8080:80"', '"80:80"'),
        "services:\n  app: {}\n",
      ]);
      // docker-compose refuses the input (network_mode with networks) and accepts the output, merged as planned.
      expect(() => composeConfig(layers.map((l) => [l.file, l.text]))).toThrow(/cannot be combined/);
      const merged = composeConfig(result.files.map((f) => [f.file, f.output]));
      expect((parse(merged) as { services: unknown }).services).toEqual({
        app: { image: "nginx:1.27", networks: { backend: {} }, ports: [{ published: 80, target: 80 }] },
      });
      expect(refusedByEngine(merged, "compose")).toEqual([]);
      expect(rewriteLayered(result.files.map((f) => ({ file: f.file, text: f.output }))).edited).toEqual([]);
    });

    it("proxy: the helper service is the single-file rewrite's, added in the file that makes the service host", () => {
      const result = rewriteLayered(cases[2]!.layers, { options: { strategy: "proxy", ports: ["47808/udp"] } });
      const single = rewrite(
        'version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.4\n    networks: [hostnet, backend]\n' +
          hostAndBackend,
        { file: "one.yml", options: { strategy: "proxy", ports: ["47808/udp"] } },
      );
      const helper = (text: string) => text.slice(text.indexOf("  bacnet-proxy:\n")).split("networks:\n  ")[0];
      expect(helper(result.files[1]!.output)).toBe(helper(single.output));
    });

    it("a file edited besides the one the findings are reported with is named in a note", () => {
      const { layers, options } = spanning[2]!;
      const result = rewriteLayered(layers, { options });
      expect(result.files[0]!.notes.map((n) => n.message)).toContain(
        "web: prod.yml is edited too: docker's merge of -c files only adds to a service's networks and ports, " +
          "so what the rewrite takes away is taken away in the file that writes it",
      );
    });

    it("split renames the service in every file that writes it; the collector goes with the host network", () => {
      const result = rewriteLayered(cases[2]!.layers, {
        options: { strategy: "split", queue: { kind: "mqtt" }, ports: ["47808/udp"] },
      });
      expect(result.files[0]!.output).toBe(
        'version: "3.8"\nservices:\n  bacnet-processor:\n    image: example/bacnet:1.4\n    networks:\n' +
          `      backend:\n        aliases:\n          - bacnet\n${hostAndBackend}`,
      );
      const host = parse(result.files[1]!.output) as { services: Record<string, unknown> };
      expect(Object.keys(host.services)).toEqual(["bacnet-processor", "bacnet-collector", "bacnet-queue"]);
      expect(result.remaining.filter((f) => f.severity === "error")).toEqual([]);
      const merged = stackConfig({ files: result.files.map((f) => [f.file, f.output]) });
      expect(merged.ok ? refusedByEngine(merged.output, "swarm") : merged.error).toEqual([]);
    });
  });

  describe("format versions: refused when they differ, as docker stack deploy refuses them", () => {
    const layer = (file: string, version: string | undefined): Layer => ({
      file,
      text: `${version === undefined ? "" : `version: "${version}"\n`}services:\n  app:\n    image: app:1\n`,
    });
    const combinations: [string | undefined, string | undefined, boolean][] = [
      ["3.8", "3.9", false],
      ["3.8", undefined, false],
      ["3", "3.0", false],
      ["3.8", "3.8", true],
      [undefined, undefined, true],
      ["3", undefined, true],
      ["3.13", undefined, true],
    ];
    for (const [first, second, accepted] of combinations) {
      it(`${first ?? "none"} then ${second ?? "none"}: ${accepted ? "accepted" : "refused"} by both`, () => {
        const layers = [layer("base.yml", first), layer("prod.yml", second)];
        const docker = stackConfig({ files: layers.map((l) => [l.file, l.text]) });
        expect(docker.ok ? "accepted" : docker.error).toEqual(
          accepted ? "accepted" : expect.stringContaining("version mismatched between two composefiles"),
        );
        if (accepted) {
          expect(checkLayered(layers).findings).toEqual([]);
          return;
        }
        const error = stackmodErrorOf(() => checkLayered(layers));
        expect([error.code, error.file, error.line, error.column]).toEqual([
          "UNSUPPORTED",
          "prod.yml",
          1,
          second === undefined ? 1 : 10,
        ]);
        expect(error.message).toContain("give every -c file the same `version:`");
        expect(stackmodErrorOf(() => rewriteLayered(layers)).message).toBe(error.message);
      });
    }
  });

  const corpus = resolve(testDir, "..", process.env.STACKMOD_CORPUS ?? "../shared/corpus");
  const jitsi = ["35-jitsi__docker-jitsi-meet__docker-compose.yml", "34-jitsi__docker-jitsi-meet__jigasi.yml"];
  it("the corpus's jigasi.yml, an override file, is clean layered after docker-compose.yml", (ctx) => {
    if (!existsSync(corpus) && process.env.CI !== "true") ctx.skip();
    const layers = jitsi.map((file) => ({ file, text: readFileSync(resolve(corpus, file), "utf8") }));
    expect(checkLayered(layers).findings).toEqual([]);
    const merged = stackConfig({ files: layers.map((l) => [l.file, l.text]) });
    expect(merged.ok ? refusedByEngine(merged.output, "compose") : merged.error).toEqual([]);
    expect(rewriteLayered(layers).edited).toEqual([]);
  });

  describe("command line", () => {
    const inFolder = async (layers: Layer[], run: (paths: string[]) => Promise<void>) => {
      const dir = mkdtempSync(join(tmpdir(), "stackmod-layered-"));
      try {
        const paths = layers.map((layer) => {
          writeFileSync(join(dir, layer.file), layer.text);
          return join(dir, layer.file);
        });
        await run(paths);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it("check -c A -c B reports against the override's line, exit 1", async () => {
      await inFolder(cases[1]!.layers, async ([base, override]) => {
        const run = await runCli(["check", "-c", base!, "-c", override!]);
        expect(run.code).toBe(1);
        expect(run.stdout).toContain(`${override}:7:9`);
        expect(run.stdout).not.toContain(`${base}:`);
      });
    });

    it("rewrite -c A -c B --write edits the file that holds the conflict, and only it", async () => {
      await inFolder(cases[0]!.layers, async ([base, prod]) => {
        const dry = await runCli(["rewrite", "-c", base!, "-c", prod!, "--port", "bacnet=47808/udp"]);
        expect(dry.code).toBe(0);
        // As git prints an absolute path: one leading slash dropped.
        expect(dry.stdout).toContain(`--- a/${base!.replace(/^\//, "")}`);
        expect(dry.stdout).not.toContain(`--- a/${prod!.replace(/^\//, "")}`);
        const write = await runCli(["rewrite", "-c", base!, "-c", prod!, "--port", "bacnet=47808/udp", "--write"]);
        expect(write.code).toBe(0);
        expect(readFileSync(prod!, "utf8")).toBe(cases[0]!.layers[1]!.text);
        expect(readFileSync(base!, "utf8")).not.toBe(cases[0]!.layers[0]!.text);
        expect((await runCli(["check", "-c", base!, "-c", prod!])).code).toBe(0);
      });
    });

    it("rewrite -c --check: an error left in the merged stack fails it, printed in the file writing it", async () => {
      const layers: Layer[] = [
        {
          file: "base.yml",
          text:
            `version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    networks: [backend]\n    deploy:\n` +
            `      replicas: 1\nnetworks:\n  backend:\n    driver: overlay\n`,
        },
        { file: "over.yml", text: `version: "3.8"\nnetworks:\n  backend:\n    driver: host\n` },
      ];
      await inFolder(layers, async ([base, over]) => {
        const run = await runCli(["rewrite", "--check", "-c", base!, "-c", over!]);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`${over}:3:3: error host-driver-network:`);
        expect(run.stderr).not.toContain(`${base}:`);
        const json = JSON.parse((await runCli(["rewrite", "-c", base!, "-c", over!, "--format", "json"])).stdout) as {
          files: { remaining: { file: string; rule: string; line: number }[] }[];
        };
        const left = json.files.map((f) => f.remaining.map((r) => `${r.file}:${r.line} ${r.rule}`));
        expect(left).toEqual([[], [`${over}:3 host-driver-network`]]);
      });
    });

    it("a conflict that spans the files, through the built binary: --write changes only the override", async () => {
      await inFolder(cases[2]!.layers, async ([base]) => {
        const dir = dirname(base!);
        const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" }).toString();
        git("init", "-q");
        git("add", ".");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "input");
        const args = [
          "rewrite",
          "-c",
          "base.yml",
          "-c",
          "host.yml",
          "--strategy",
          "publish",
          "--port",
          "bacnet=47808/udp",
        ];
        execFileSync("node", [bin, ...args, "--write"], { cwd: dir, stdio: "pipe" });
        expect(git("diff", "--name-only")).toBe("host.yml\n");
        const check = spawnSync("node", [bin, "check", "-c", "base.yml", "-c", "host.yml"], { cwd: dir });
        expect(check.status).toBe(0);
      });
    });

    it("a rewrite changing an anchor another service aliases: exit 2 at it, nothing written", async () => {
      const layers: Layer[] = [
        {
          file: "base.yml",
          text:
            'version: "3.8"\nservices:\n  bacnet:\n    image: example/bacnet:1.4\n    networks: &nets [backend]\n' +
            `  historian:\n    image: example/historian:3\n    networks: *nets\n${hostAndBackend}`,
        },
        cases[2]!.layers[1]!,
      ];
      await inFolder(layers, async ([base, host]) => {
        const run = await runCli(["rewrite", "-c", base!, "-c", host!, "--strategy", "split", "--write"]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${base}:5:15: error UNSUPPORTED: this rewrite would change the node anchored`);
        expect(readFileSync(host!, "utf8")).toBe(layers[1]!.text);
        expect(readFileSync(base!, "utf8")).toBe(layers[0]!.text);
      });
    });
  });
});
