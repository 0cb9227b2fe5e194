import { describe, expect, it } from "vitest";
import { compareEngineVersions, inEngineRange, parseEngineVersion } from "../src/engine-version.js";
import { engineRefusals, refusalTextsIn } from "../src/rules/engine-refusals.js";

const v = (text: string) => parseEngineVersion(text)!;

describe("engine versions", () => {
  it("reads what engines print and what users type", () => {
    expect(parseEngineVersion("20.10.24+dfsg1")).toMatchObject({ major: 20, minor: 10, patch: 24 });
    expect(parseEngineVersion("v29.1.0-rc.2")).toMatchObject({ major: 29, minor: 1, patch: 0 });
    expect(parseEngineVersion("28")).toMatchObject({ major: 28, minor: 0, patch: 0 });
    expect(parseEngineVersion("27.5")).toMatchObject({ major: 27, minor: 5, patch: 0 });
    for (const bad of ["", "next", "28.x", "1.2.3.4", "-28", "28 ; rm"])
      expect(parseEngineVersion(bad), bad).toBeUndefined();
  });

  it("compares and matches ranges, [from, until)", () => {
    expect(compareEngineVersions(v("28.0.1"), v("28.0.2"))).toBeLessThan(0);
    expect(compareEngineVersions(v("28"), v("28.0.0"))).toBe(0);
    const host = engineRefusals.find((r) => r.rule === "host-plus-network")!;
    const refused = (text: string) => host.refused.some((range) => inEngineRange(v(text), range));
    expect(["20.10.24", "24.0.9", "28.0.0", "29.1"].map(refused)).toEqual([true, true, true, true]);
    expect(["25.0.0", "26.1.4", "27.5.1"].map(refused)).toEqual([false, false, false]);
  });

  it("finds the refusal texts inside a task's error, behind the engine's prefix", () => {
    const error =
      "starting container failed: failed to set up container networking: container sharing network namespace with another container or host cannot be connected to any other network";
    expect(refusalTextsIn(error).map((t) => t.text)).toEqual([error.slice(error.indexOf("container sharing"))]);
    expect(refusalTextsIn("No such image: example/x:1")).toEqual([]);
  });
});
