import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { collectGarbage } from "../src/collect-garbage.js";

describe("collectGarbage", () => {
  it("frees what nothing references any more, and leaves no `gc` in the contexts made after it", async () => {
    const ref = ((): WeakRef<object> => new WeakRef({ items: Array.from({ length: 1000 }, (_, index) => index) }))();
    // A WeakRef's target is kept alive until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    expect(runInNewContext("typeof gc")).toBe("undefined");
  });
});
