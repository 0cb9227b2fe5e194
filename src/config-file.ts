import { fileOptionsSchema, readOptionsNode, type RawOptions } from "./options.js";
import { parseStackFile } from "./yaml/parse.js";
import { Resolver } from "./yaml/resolve.js";
import { transforms } from "../transforms/index.js";

/** Reads a `--config` file (YAML or JSON) shaped like the top-level `x-stackmod` block. */
export function readConfigText(text: string, file: string): RawOptions {
  const parsed = parseStackFile(text, file);
  const resolver = new Resolver(parsed.doc, parsed.aliases);
  return readOptionsNode(parsed.root, { parsed, resolver }, fileOptionsSchema(transforms), "config");
}
