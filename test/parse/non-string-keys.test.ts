import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { dockerStackConfigError } from "../helpers/docker.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

const head = 'version: "3.8"\nservices:\n  a:\n    image: x\n';
const cli = join(import.meta.dirname, "..", "..", "bin", "stackmod.js");

// go-yaml v3 (docker/cli v28.2.2) makes a mapping with a key that is no string a map[interface{}]interface{},
// which docker's schema check refuses; stackmod read such keys as strings (and a timestamp key made Node.js
// warn on stderr). Found by the fuzz campaign's new scalar shapes (seed 101).
const cases: [string, string, string, string][] = [
  [
    "a timestamp key in labels",
    head + "    labels:\n      2001-12-14: y\n",
    "6:7",
    "2001-12-14 is read by docker's YAML parser as a timestamp",
  ],
  [
    "a hexadecimal key in labels",
    head + "    labels:\n      0x50: y\n",
    "6:7",
    "0x50 is read by docker's YAML parser as a number (80)",
  ],
  [
    "a YAML 1.1 integer key in an extension",
    'version: "3.8"\nx-a:\n  1_000: y\n' + head.slice(15),
    "3:3",
    "1_000 is read by docker's YAML parser as a number (1000)",
  ],
  [
    "a null key in environment",
    head + "    environment:\n      ~: y\n",
    "6:7",
    "~ is read by docker's YAML parser as null (empty)",
  ],
  [
    "a boolean key in deploy labels",
    head + "    deploy:\n      labels:\n        true: y\n",
    "7:9",
    "true is read by docker's YAML parser as a boolean (true)",
  ],
];

describe("a key docker reads as no string is refused at it, as docker refuses the file", () => {
  for (const [name, text, at, what] of cases) {
    it(name, () => {
      expect(dockerStackConfigError(text)).toMatch(/unsupported type: map\[interface \{\}\]interface \{\}/);
      const error = stackmodErrorOf(() => check(text, { file: "s.yml" }));
      expect(error.format()).toBe(
        `s.yml:${at}: error WRONG_TYPE: the key ${what}, not a string, and docker refuses a file with such a key ` +
          `(json: unsupported type); quote it ("${what.split(" ")[0]}")`,
      );
    });
  }

  it("the CLI says so without a Node.js warning on stderr (a timestamp key is a Date to yaml)", () => {
    const dir = mkdtempSync(join(tmpdir(), "stackmod-keys-"));
    try {
      writeFileSync(join(dir, "s.yml"), cases[0]![1]);
      const run = spawnSync(process.execPath, [cli, "check", "s.yml"], { cwd: dir, encoding: "utf8" });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("s.yml:6:7: error WRONG_TYPE");
      expect(run.stderr).not.toMatch(/Warning|stringified/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a service name says so as a name; the same keys quoted are keys like any other", () => {
    const named = 'version: "3.8"\nservices:\n  2001-12-14:\n    image: x\n';
    expect(stackmodErrorOf(() => check(named, { file: "s.yml" })).code).toBe("INVALID_NAME");
    const quoted = head + '    labels:\n      "2001-12-14": y\n      "0x50": y\n      !!str 08: y\n      yes: y\n';
    expect(dockerStackConfigError(quoted)).toBeUndefined();
    expect(check(quoted, { file: "s.yml" }).findings).toEqual([]);
  });
});
