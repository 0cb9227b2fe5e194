import { Linter } from "eslint";
import { describe, expect, test } from "vitest";
import comments from "../../scripts/eslint-comments.mjs";

/** The messages the comment rule gives for `code`, as `npm run lint` would report them. */
function lint(code: string): string[] {
  const linter = new Linter({ configType: "flat" });
  const config = [{ plugins: { stackmod: comments }, rules: { "stackmod/no-history": "error" as const } }];
  return linter.verify(code, config).map((m) => m.message);
}

describe("stackmod/no-history (eslint.config.js)", () => {
  test.each([
    ["// see issue 8\nconst a = 1;", "issue 8"],
    ["/* fixed for issue #12 */ const a = 1;", "issue #12"],
    ["// as SPEC section 4 says\nconst a = 1;", "SPEC section"],
    ["// SPEC §1\nconst a = 1;", "SPEC §"],
    ["// decided in session 3\nconst a = 1;", "session 3"],
    ["/**\n * 94 ms here on 2026-12-02, down from 120\n */\nconst a = 1;", "2026-12-02, 94 ms"],
    ["// 1.58× at 08:02 UTC\nconst a = 1;", "08:02 UTC, 1.58×"],
    ["// 275 MiB on 2 December 2026\nconst a = 1;", "2 December 2026, 275 MiB"],
  ])("refuses %j", (code, what) => {
    const messages = lint(code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`(${what}`);
  });

  test.each([
    "// moby/moby#50929 gives the reason\nconst a = 1;",
    "// go-yaml reads an unquoted 2001-12-14 as a timestamp\nconst a = 1;",
    "// a stack file is a few KB; 5 MiB is the limit\nconst a = 1;",
    "// the issues zod reports, in order\nconst a = 1;",
    "// the broker keeps the persistent session\nconst a = 1;",
    'const text = "issue 8, SPEC section 4, 94 ms on 2026-12-02";',
  ])("accepts %j", (code) => {
    expect(lint(code)).toEqual([]);
  });
});
