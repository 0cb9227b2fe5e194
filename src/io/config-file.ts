import type { Node } from "yaml";
import { fileOptionsSchema, readOptionsNode, type RawOptions } from "../plan/options.js";
import { parseStackFile } from "../parse/parse.js";
import { transforms } from "../strategies/index.js";

/** Reads a `--config` file (YAML or JSON) shaped like the top-level `x-stackmod` block. */
export function readConfigText(text: string, file: string): RawOptions {
  const parsed = parseStackFile(text, file);
  const positionOf = (node: Node | null | undefined, at?: number) =>
    parsed.source.position(at ?? node?.range?.[0] ?? 0);
  const model = { parsed, resolver: parsed.resolver, positionOf };
  return readOptionsNode(parsed.root, model, fileOptionsSchema(transforms), "config");
}
