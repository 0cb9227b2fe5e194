import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { dockerStackConfigError } from "../helpers/docker.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

const head = "services:\n  a:\n    image: x\n";

// yaml reads a list or a mapping as a key (and Node.js warns on stderr when it is made plain data);
// docker reads the file with go-yaml v3, which refuses it.
const cases: [string, string, string][] = [
  ["an explicit list key", head + "    labels:\n      ? [ --community ]\n      : 1\n", "5:9"],
  ["a flow mapping key", head + "    environment:\n      {a: 1}: x\n", "5:7"],
  ["an alias of a list", "x-l: &l [a]\n" + head + "    labels:\n      *l : 1\n", "6:7"],
  ["a list key at the top level", head + "[a, b]: 1\n", "4:1"],
];

describe("a key that is a list or a mapping is refused, as docker refuses it", () => {
  for (const [name, text, at] of cases) {
    it(name, () => {
      expect(dockerStackConfigError(text)).toMatch(/invalid map key/);
      const error = stackmodErrorOf(() => check(text, { file: "s.yml" }));
      expect(error.format()).toBe(
        `s.yml:${at}: error WRONG_TYPE: this key is a list or a mapping, which docker's YAML reader refuses ` +
          "(invalid map key); write the key as a string (quote it)",
      );
    });
  }

  it("a string that looks like one, quoted, is a key like any other", () => {
    const text = head + '    labels:\n      "[ --community ]": "1"\n';
    expect(dockerStackConfigError(text)).toBeUndefined();
    expect(check(text, { file: "s.yml" }).findings).toEqual([]);
  });
});
