import { describe, expect, it } from "vitest";
import { rewriteLayered, type Layer } from "../../src/layered/layered.js";
import { stackConfig } from "../helpers/stack-config.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

// Found by the fuzz campaign's layered mode (seed 202, case 1450, minimised): the base shows the conflict whole,
// so its own rewrite splits it there, renaming it; the override writes the service too, and docker merged that
// entry into a service "influxdb" of its own, on the host network and the overlay again, with no image.
const base =
  'version: "3.8"\nnetworks:\n  hostnet:\n    external: true\n    name: host\n  backend:\n    driver: overlay\n' +
  "services:\n  influxdb:\n    image: influxdb:2.7\n    networks:\n      - hostnet\n      - backend\n";
const layers = (override: string): Layer[] => [
  { file: "base.yml", text: base },
  { file: "override.yml", text: `version: "3.8"\nservices:\n  influxdb:\n${override}` },
];

describe("rewrite -c: a service one file's rewrite renames, which another file writes too", () => {
  for (const [name, override] of [
    ["its networks", "    networks:\n      - hostnet\n      - backend\n"],
    ["its replicas", "    deploy:\n      replicas: 2\n"],
  ] as const) {
    it(`is refused at it, nothing written (the override writes ${name})`, () => {
      const files = layers(override);
      expect(stackConfig({ files: files.map((l) => [l.file, l.text]) }).ok).toBe(true);
      const error = stackmodErrorOf(() => rewriteLayered(files, { options: { strategy: "split" } }));
      expect(error.format()).toBe(
        'base.yml:12:9: error UNSUPPORTED: service "influxdb" is rewritten in base.yml under other names, but ' +
          'override.yml:3:3 writes it too, and docker would merge what is written there into a service "influxdb" ' +
          "of its own: write the service in one of the files, or rewrite the merged file from `docker stack " +
          "config -c ... -c ...`",
      );
    });
  }

  it("a rewrite that keeps the name is written in the base, as before", () => {
    const files = layers("    deploy:\n      replicas: 2\n");
    const options = { strategy: "proxy" as const, services: { influxdb: { ports: [8086] } } };
    const result = rewriteLayered(files, { options });
    expect(result.edited).toEqual(["base.yml"]);
    const merged = stackConfig({ files: result.files.map((r) => [r.file, r.output]) });
    expect(merged.ok).toBe(true);
  });
});
