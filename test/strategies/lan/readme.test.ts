import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { rewrite } from "../../../src/index.js";
import { readSection } from "../../../scripts/readme-sections.js";
import { testDir } from "../../helpers/paths.js";

const repo = resolve(testDir, "..");

it("the README shows the setup script that the lan example really gets", () => {
  const readme = readFileSync(resolve(repo, "README.md"), "utf8");
  const path = "examples/multicast-gateway-stack.yml";
  const [file] = rewrite(readFileSync(resolve(repo, path), "utf8"), { file: path, env: {} }).extraFiles;
  const name = `setup script ${path}`;
  const opening = `<!-- prettier-ignore-start -->\n<!-- ${name}:start (`;
  const intro = `(\`${file!.path}\`, mode ${file!.mode.toString(8)}):\n\n${opening}`;
  expect(readme, `README.md has no script block after "${intro.trim()}"`).toContain(intro);
  expect(readSection(readme, name)).toBe("```sh\n" + file!.content + "```\n");
});
