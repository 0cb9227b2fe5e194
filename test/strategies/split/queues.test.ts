// A queue kind is its file in src/strategies/split/queues/ plus its registry line; the places that cannot import
// the registry, or keep per-kind test setup of their own, are checked here so that a new kind cannot miss them.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { queueKindList, queueKindNames } from "../../../src/strategies/split/queues/index.js";
import { kindFiles, kindFolder, setupNames, setupOf } from "../../brokers/kinds/index.js";
import { splitFixtures } from "./queue-fixtures.js";

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

  it("every kind has its folder in test/brokers/kinds/ with each of its files, and no other kind has one", () => {
    const missing = queueKindNames.flatMap((kind) =>
      Object.entries(kindFiles)
        .filter(([file]) => !existsSync(new URL(kindFolder(kind) + file, root)))
        .map(([file, what]) => `${kindFolder(kind)}${file} (${what})`),
    );
    expect(missing, "missing").toEqual([]);
    expect([...setupNames].sort(), "the entries of test/brokers/kinds/index.ts").toEqual([...queueKindNames].sort());
  });

  it.each(queueKindList)("$name: the test side says how to run its broker and speak its protocol", async (kind) => {
    const setup = setupOf(kind.name);
    expect(setup.binary.trim(), `${kind.name}: broker.ts names no broker program`).not.toBe("");
    const client = (await import(new URL(`${kindFolder(kind.name)}client.mjs`, root).href)) as Record<string, unknown>;
    expect(client.scheme, `${kind.name}: client.mjs's scheme`).toBe(kind.scheme);
    for (const name of ["publish", "receive"])
      expect(typeof client[name], `${kind.name}: client.mjs exports ${name}`).toBe("function");
    const app = new URL(`${kindFolder(kind.name)}app.sh`, root).pathname;
    const types = spawnSync("sh", ["-c", '. "$0" && type receive && type send', app], { encoding: "utf8" });
    expect(types.stdout + types.stderr, `${kind.name}: app.sh defines receive and send`).toMatch(
      /^receive is a (shell )?function\n?.*\nsend is a (shell )?function/s,
    );
    const e2ePackages = bashArray(".ci/install-e2e.sh", "pkgs");
    for (const pkg of setup.appTools.debianPackages)
      expect(e2ePackages, `${kind.name}: .ci/install-e2e.sh installs the app's ${pkg}`).toContain(pkg);
    for (const fixture of splitFixtures(kind.name)) {
      for (const suffix of [".input.yml", ".output.yml"]) {
        const file = `test/fixtures/split/${fixture}${suffix}`;
        expect(existsSync(new URL(file, root)), `${kind.name}: ${file}`).toBe(true);
      }
    }
  });

  it("the registry's names are unique, and each kind's fields are filled", () => {
    expect(new Set(queueKindNames).size).toBe(queueKindNames.length);
    // The test apps pick a kind's client.mjs and app.sh by QUEUE_URL's scheme (test/brokers/app/queue-client.mjs,
    // test/e2e/stacks/app/queue-app.sh): a second kind of one scheme would never have its own run.
    const shared = queueKindList.filter((kind, i) => queueKindList.findIndex((k) => k.scheme === kind.scheme) !== i);
    expect(shared.map((k) => `${k.name}: scheme ${k.scheme} is another kind's`)).toEqual([]);
    for (const kind of queueKindList) {
      expect(kind.name, kind.name).toMatch(/^[a-z][a-z0-9]*$/);
      for (const text of [kind.image, kind.scheme, kind.topic.noun, kind.summary, kind.delivery, kind.debianPackage])
        expect(text.trim(), kind.name).not.toBe("");
      expect(Number.isInteger(kind.port) && kind.port > 0 && kind.port < 65536, kind.name).toBe(true);
    }
  });
});
