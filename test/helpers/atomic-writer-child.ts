import { readFileSync } from "node:fs";
import { writeFileAtomic } from "../../src/io/atomic-write.js";

/**
 * Child for the kill test: says "ready", waits for a line on stdin, then rewrites
 * FILE with the text of NEW and OLD in turn, forever, printing "w" after each
 * completed write. The parent kills it with SIGKILL at a random moment.
 */
const [file, oldPath, newPath] = process.argv.slice(2) as [string, string, string];
const texts = [readFileSync(newPath, "utf8"), readFileSync(oldPath, "utf8")];
process.stdin.once("data", () => {
  for (let i = 0; ; i += 1) {
    writeFileAtomic(file, texts[i % 2]!);
    process.stdout.write("w");
  }
});
process.stdout.write("ready\n");
