import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment } from "../model/interpolate.js";
import { parseEnvFile } from "../model/interpolate.js";
import { readSource } from "./inputs.js";

/** The `.env` files a run has read, by path, so that the files of one folder share one reading. */
export type DotenvCache = Map<string, Environment | undefined>;

/**
 * The `.env` file beside a file, as Compose reads it by default for a Compose file
 * (its project folder is the first file's folder); undefined when there is none.
 * Only data: its text is parsed here, never given to Node.js. With `cache`, each
 * `.env` is read once however many files lie beside it.
 */
export function dotenvBeside(path: string, maxBytes?: number, cache?: DotenvCache): Environment | undefined {
  if (path === "-") return undefined;
  const file = join(dirname(path), ".env");
  if (cache?.has(file)) return cache.get(file);
  const env = statSync(file, { throwIfNoEntry: false }) ? parseEnvFile(readSource(file, { maxBytes })) : undefined;
  cache?.set(file, env);
  return env;
}
