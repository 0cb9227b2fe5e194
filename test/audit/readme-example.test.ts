// The README's `stackmod audit` example is what the CLI prints on the recorded e2e engine: the answers
// in test/engine-api/ replayed on a socket, the refused stack's file copied to deploy/auditbad.yml.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readSection } from "../../scripts/readme-sections.js";
import { replayServer } from "../helpers/engine-api.mjs";
import { testDir } from "../helpers/paths.js";

const repo = resolve(testDir, "..");
const recorded = JSON.parse(readFileSync(join(testDir, "engine-api", "20.10.24+dfsg1", "audit.json"), "utf8")) as {
  exchanges: { method: string; path: string; status: number; contentType: string; body: string }[];
};
/** The socket the README names; the test serves on its own and names that one in what it compares. */
const shownSocket = "/tmp/i19/r.sock";
const dir = realpathSync(mkdtempSync(join(tmpdir(), "stackmod-audit-readme-")));
const socket = join(dir, "r.sock");
let server: Awaited<ReturnType<typeof replayServer>>;
beforeAll(async () => void (server = await replayServer(recorded.exchanges, socket)));
afterAll(() => server.close());

it("the README's audit example is what `stackmod audit --engine 28.0.2 --stack-dir deploy` prints", async () => {
  mkdirSync(join(dir, "deploy"));
  copyFileSync(join(testDir, "e2e", "stacks", "audit-refused.yml"), join(dir, "deploy", "auditbad.yml"));
  const args = ["audit", "--engine", "28.0.2", "--stack-dir", "deploy"];
  const env = { PATH: process.env.PATH ?? "", DOCKER_HOST: `unix://${socket}` };
  const stdout = await new Promise<string>((done) => {
    execFile(join(repo, "bin", "stackmod.js"), args, { cwd: dir, env }, (_error, out) => done(out));
  });
  const shown = readSection(readFileSync(join(repo, "README.md"), "utf8"), "audit example");
  expect(shown).toBe("```\n" + stdout.replaceAll(socket, shownSocket) + "```\n");
});
