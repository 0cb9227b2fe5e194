import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The repository's root, found upwards from this file (it also runs bundled, from node_modules/.cache). */
export function repoRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "stackmod")
      return dir;
    if (dirname(dir) === dir) throw new Error(`no stackmod package.json above ${from}`);
  }
}
