import { resolve } from "node:path";

/** The test folder, for tests in its sub-folders that read fixtures, examples or the repo by path. */
export const testDir = resolve(import.meta.dirname, "..");
/** The test folder as a URL ending in "/": `new URL("../README.md", testUrl)` is the repo's README. */
export const testUrl = new URL("../", import.meta.url).href;
