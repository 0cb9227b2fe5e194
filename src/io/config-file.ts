import { fileOptionsSchema, readOptionsNode, type RawOptions } from "../plan/options.js";
import { parseStackFile } from "../parse/parse.js";
import { transforms } from "../strategies/index.js";

/** Reads a `--config` file (YAML or JSON) shaped like the top-level `x-stackmod` block. */
export function readConfigText(text: string, file: string): RawOptions {
  const parsed = parseStackFile(text, file);
  return readOptionsNode(parsed.root, { parsed, resolver: parsed.resolver }, fileOptionsSchema(transforms), "config");
}
