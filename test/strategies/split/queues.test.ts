// A queue kind is its file in src/strategies/split/queues/ plus its registry line; the places that cannot import
// the registry, or keep per-kind test setup of their own, are checked here so that a new kind cannot miss them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { queueKindList, queueKindNames } from "../../../src/strategies/split/queues/index.js";
import { BROKER_BINARIES } from "../../brokers/brokers.js";

const root = new URL("../../../", import.meta.url);

/** The words of a bash array assignment `NAME=(a b c)` (it may span lines). */
function bashArray(script: string, name: string): string[] {
  const match = new RegExp(`^${name}=\\(([^)]*)\\)`, "m").exec(readFileSync(new URL(script, root), "utf8"));
  if (!match) throw new Error(`${script} has no ${name}=(...) array`);
  return match[1]!.split(/\s+/).filter(Boolean);
}

describe("queue kinds: the places outside the registry", () => {
  it.each([".ci/install-brokers.sh", ".ci/install-e2e.sh"])("%s installs every kind's Debian package", (script) => {
    const pkgs = bashArray(script, "pkgs");
    for (const kind of queueKindList) expect(pkgs, `${kind.name}: ${kind.debianPackage}`).toContain(kind.debianPackage);
  });

  it("test/brokers/ can start a broker of every kind, and of no other", () => {
    expect(Object.keys(BROKER_BINARIES).sort()).toEqual([...queueKindNames].sort());
  });

  it("the registry's names are unique, and each kind's fields are filled", () => {
    expect(new Set(queueKindNames).size).toBe(queueKindNames.length);
    for (const kind of queueKindList) {
      expect(kind.name, kind.name).toMatch(/^[a-z][a-z0-9]*$/);
      for (const text of [kind.image, kind.scheme, kind.topic.noun, kind.summary, kind.delivery, kind.debianPackage])
        expect(text.trim(), kind.name).not.toBe("");
      expect(Number.isInteger(kind.port) && kind.port > 0 && kind.port < 65536, kind.name).toBe(true);
    }
  });
});
