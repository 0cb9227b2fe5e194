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
  it("is refused at it, nothing written, when the other file does not show it refused (its replicas)", () => {
    const files = layers("    deploy:\n      replicas: 2\n");
    expect(stackConfig({ files: files.map((l) => [l.file, l.text]) }).ok).toBe(true);
    const error = stackmodErrorOf(() => rewriteLayered(files, { options: { strategy: "split" } }));
    expect(error.format()).toBe(
      'base.yml:12:9: error UNSUPPORTED: service "influxdb" is rewritten in base.yml under other names, but ' +
        'override.yml:3:3 writes it too, and docker would merge what is written there into a service "influxdb" ' +
        "of its own: write the service in one of the files, or rewrite the merged file from `docker stack " +
        "config -c ... -c ...`",
    );
  });

  it("is rewritten in both files when both show it refused (the override copies its networks)", () => {
    const files = layers("    networks:\n      - hostnet\n      - backend\n");
    const result = rewriteLayered(files, { options: { strategy: "split" } });
    expect(result.edited).toEqual(["base.yml", "override.yml"]);
    expect(result.remaining.filter((f) => f.severity === "error")).toEqual([]);
    const outputs = result.files.map((r) => ({ file: r.file, text: r.output }));
    const merged = stackConfig({ files: outputs.map((l) => [l.file, l.text]) });
    expect(merged.ok && merged.output).toMatch(/influxdb-collector:/);
    expect(merged.ok && merged.output).not.toMatch(/^ {2}influxdb:/m);
    const again = rewriteLayered(outputs, { options: { strategy: "split" } });
    expect(again.edited).toEqual([]);
  });

  it("a conflict both files write (none beside an overlay) is fixed in both (seed 202, case 602, minimised)", () => {
    const declared = "networks:\n  backend:\n    driver: overlay\n  nonet:\n    external: true\n    name: none\n";
    const gateway = "services:\n  gateway:\n    networks:\n      - nonet\n      - backend\n";
    const files: Layer[] = [
      { file: "base.yml", text: `version: "3.8"\n${gateway}${declared}` },
      { file: "override.yml", text: `version: "3.8"\n${gateway}    image: example/gateway:2\n` },
    ];
    const result = rewriteLayered(files, { options: { strategy: "proxy" } });
    expect(result.edited).toEqual(["base.yml", "override.yml"]);
    expect(result.remaining.filter((f) => f.severity === "error")).toEqual([]);
    const outputs = result.files.map((r) => ({ file: r.file, text: r.output }));
    expect(stackConfig({ files: outputs.map((l) => [l.file, l.text]) }).ok).toBe(true);
    expect(rewriteLayered(outputs, { options: { strategy: "proxy" } }).edited).toEqual([]);
  });

  it("a rewrite that keeps the name is written in the base, as before", () => {
    const files = layers("    deploy:\n      replicas: 2\n");
    const options = { strategy: "proxy" as const, services: { influxdb: { ports: [8086] } } };
    const result = rewriteLayered(files, { options });
    expect(result.edited).toEqual(["base.yml"]);
    const merged = stackConfig({ files: result.files.map((r) => [r.file, r.output]) });
    expect(merged.ok).toBe(true);
  });
});
