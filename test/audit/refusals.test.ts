import { describe, expect, it } from "vitest";
import { refusalTextsIn } from "../../src/audit/refusals.js";
import { rules } from "../../src/rules/index.js";

describe("the refusals audit matches", () => {
  const refusing = rules.filter((rule) => rule.refusesTasks);

  it("are the texts of the registry's rules whose breach the engine refuses at task start", () => {
    expect(refusing.map((rule) => rule.id)).toEqual(["host-plus-network", "none-plus-network", "host-ingress-port"]);
    for (const rule of refusing) {
      for (const text of rule.texts) {
        const error = `starting container failed: ${text.text}`;
        expect(
          refusalTextsIn(error).map((found) => found.text),
          rule.id,
        ).toEqual([text.text]);
      }
    }
  });

  it("leave out what only docker stack or compose prints: a task never fails with it", () => {
    const others = rules.filter((rule) => !rule.refusesTasks).flatMap((rule) => rule.texts);
    const theirs = new Set(refusing.flatMap((rule) => rule.texts.map((text) => text.text)));
    expect(others.length).toBeGreaterThan(0);
    for (const text of others.filter((t) => !theirs.has(t.text)))
      expect(refusalTextsIn(text.text), text.text).toEqual([]);
  });
});
