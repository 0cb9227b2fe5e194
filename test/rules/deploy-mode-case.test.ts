import { describe, expect, it } from "vitest";
import { check, rewrite } from "../../src/index.js";
import { stackConfig } from "../helpers/stack-config.js";

/**
 * deploy-mode-case reads the mode as docker does, variables applied: `${MODE}` is judged by its value,
 * and a fix never rewrites the variable (the capitals are in its value, not in the file).
 */
const text = 'version: "3.8"\nservices:\n  agent:\n    image: busybox:1.36\n    deploy:\n      mode: ${MODE:-Global}\n';
const found = (env: Record<string, string>) =>
  check(text, { file: "stack.yml", env }).findings.filter((f) => f.rule === "deploy-mode-case");

describe("deploy-mode-case", () => {
  it("judges a mode from a variable by its value", () => {
    expect(found({}).map((f) => [f.line, f.column, f.engineError])).toEqual([[6, 13, "Unknown mode: Global"]]);
    expect(found({ MODE: "global" })).toEqual([]);
    expect(found({ MODE: "GLOBAL-JOB" }).map((f) => f.engineError)).toEqual(["Unknown mode: GLOBAL-JOB"]);
  });

  it("leaves a mode from a variable as written", () => {
    expect(rewrite(text, { file: "stack.yml", env: {} }).output).toBe(text);
  });

  it("stays quiet on a mode docker does not know in any case: not a question of capitals", () => {
    const other = text.replace("${MODE:-Global}", "globl");
    expect(check(other, { file: "stack.yml" }).findings.filter((f) => f.rule === "deploy-mode-case")).toEqual([]);
  });

  it("is what docker stack config lets through: the schema takes any string", () => {
    const verdict = stackConfig({ files: [["stack.yml", text.replace("${MODE:-Global}", "Global")]] });
    expect(verdict.ok ? "accepted" : verdict.error).toBe("accepted");
  });
});
