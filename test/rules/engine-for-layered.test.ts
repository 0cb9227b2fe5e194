import { describe, expect, it } from "vitest";
import { checkLayered, rewriteLayered } from "../../src/layered/layered.js";
import { loadLayers, type Layer } from "../../src/model/layers.js";
import { engineFor } from "../../src/rules/index.js";
import { stackmodErrorOf } from "../helpers/stackmod-error.js";

/**
 * `x-stackmod.engine` of a layered stack (`-c A -c B`) is what the merged stack says: the last file whose
 * top-level block has one gives it (README: a later file's replaces an earlier one's), read as that file
 * writes it, and an error in it is shown where that file writes it.
 */
const refused =
  "services:\n  app:\n    image: nginx\n    networks: [hostnet, backend]\n" +
  "networks:\n  hostnet: {external: true, name: host}\n  backend: {driver: overlay}\n";
const first: Layer = { file: "base.yml", text: `version: "3.8"\n${refused}` };
// A plain 28.10 is the float 28.1 to YAML: only the text as the second file writes it says 28.10.
const second = (engine: string): Layer => ({
  file: "over.yml",
  text: `version: "3.8"\nservices:\n  app:\n    image: nginx:1.27\nx-stackmod:\n  engine: ${engine}\n`,
});

describe("engineFor on a layered stack reads the merged stack", () => {
  it("the engine a later file gives, as that file writes it", () => {
    const stack = loadLayers([first, second("28.10")], {});
    expect(engineFor(stack, undefined).text).toBe("28.10");
    expect(checkLayered([first, second("28.10")]).engine).toBe("28.10");
    expect(rewriteLayered([first, second("28.10")], { options: { strategy: "skip" } }).files[0]!.engine).toBe("28.10");
  });

  it("the last file that gives one, when several do", () => {
    const base: Layer = { file: "base.yml", text: `version: "3.8"\nx-stackmod: {engine: "27.5"}\n${refused}` };
    expect(engineFor(loadLayers([base, second('"29.1"')], {}), undefined).text).toBe("29.1");
    expect(engineFor(loadLayers([second('"29.1"'), base], {}), undefined).text).toBe("27.5");
    expect(engineFor(loadLayers([base, { ...second("x"), text: first.text }], {}), undefined).text).toBe("27.5");
  });

  it("an engine that is no version: BAD_OPTION where the file that gives it writes it", () => {
    const error = stackmodErrorOf(() => engineFor(loadLayers([first, second("banana")], {}), undefined));
    expect([error.code, error.file, error.line, error.column]).toEqual(["BAD_OPTION", "over.yml", 6, 11]);
  });

  it("--engine still comes first", () => {
    expect(engineFor(loadLayers([first, second("banana")], {}), "27.5").text).toBe("27.5");
  });
});
