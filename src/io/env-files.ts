import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Environment } from "../model/interpolate.js";
import { parseEnvFile } from "../model/interpolate.js";
import { readSource } from "./inputs.js";

/**
 * The `.env` file beside a file, as Compose reads it by default for a Compose file
 * (its project folder is the first file's folder); undefined when there is none.
 * Only data: its text is parsed here, never given to Node.js.
 */
export function dotenvBeside(path: string, maxBytes?: number): Environment | undefined {
  if (path === "-") return undefined;
  const file = join(dirname(path), ".env");
  if (!statSync(file, { throwIfNoEntry: false })) return undefined;
  return parseEnvFile(readSource(file, { maxBytes }));
}
