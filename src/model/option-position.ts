import type { Node } from "yaml";
import type { SourcePosition } from "../errors.js";
import type { ServiceModel, StackModel } from "./types.js";

/**
 * Where the file wrote the option `block.path` in effect for a service (e.g. `queue`, ["published"];
 * `lan`, ["ipRanges", "node-a"]), searched in the order the blocks take precedence: the service's own
 * `x-stackmod`, the top-level `services.NAME`, the top-level block. With `value`, only a node that
 * holds that value counts: a value that none of them holds came from the flags or --config, and a
 * lower block that holds another value is not where it came from. Undefined when no block holds it.
 */
export function optionPosition(
  model: StackModel,
  service: ServiceModel,
  block: string,
  path: readonly string[],
  value?: unknown,
): SourcePosition | undefined {
  const top = model.options?.value ?? null;
  const candidates: [Node | null, string[]][] = [
    [service.options?.value ?? null, [block, ...path]],
    [top, ["services", service.name, block, ...path]],
    [top, [block, ...path]],
  ];
  for (const [start, steps] of candidates) {
    if (start === null) continue;
    const node = model.resolver.nodeAt(start, steps);
    if (node === null) continue;
    if (value !== undefined) {
      const read = node.toJS(model.parsed.doc, { maxAliasCount: model.parsed.maxAliasCount });
      if (JSON.stringify(read) !== JSON.stringify(value)) continue;
    }
    return model.positionOf(node);
  }
  return undefined;
}
