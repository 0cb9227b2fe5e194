import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { rewrite } from "../../../src/index.js";
import { testUrl } from "../../helpers/paths.js";

const readme = readFileSync(new URL("../README.md", testUrl), "utf8");

test("README's split example is what `stackmod rewrite examples/bacnet-stack.yml --strategy split` prints", () => {
  const section = readme.slice(readme.indexOf("### split\n"));
  const shown = /```diff\n([\s\S]*?)```\n/.exec(section)?.[1];
  const file = "examples/bacnet-stack.yml";
  const result = rewrite(readFileSync(new URL(`../${file}`, testUrl), "utf8"), {
    file,
    options: { strategy: "split" },
  });
  expect(shown).toBe(result.diff);
});

test("README's split contract names the variables the rewrite writes", () => {
  const section = readme.slice(readme.indexOf("### split\n"), readme.indexOf("### Compose files\n"));
  const output = rewrite(readFileSync(new URL("./fixtures/split/rabbitmq-stack.input.yml", testUrl), "utf8"), {
    file: "stack.yml",
  }).output;
  for (const name of ["QUEUE_URL", "QUEUE_TOPIC", "STACKMOD_ROLE", "QUEUE_USER_FILE", "QUEUE_PASSWORD_FILE"]) {
    expect(section).toContain(`\`${name}\``);
    expect(output).toContain(`${name}: `);
  }
});
