import type { Node } from "yaml";
import type { SourcePosition } from "../../errors.js";
import type { ServiceModel, StackModel } from "../../model/types.js";

/** Where an option came from when no node of the file holds it. */
export const outsideTheFile: SourcePosition = { file: "<command line or --config>", line: 1, column: 1 };

/**
 * The position of the lan option at `path` (e.g. ["gateway"], ["ipRanges", "node-a"])
 * that gave `value`, searched in the file's blocks in precedence order: the
 * service's own block, the top-level `services.NAME`, the top-level block. A value
 * that none of them holds came from the flags or --config.
 */
export function lanOptionPosition(
  model: StackModel,
  service: ServiceModel,
  path: string[],
  value: unknown,
): SourcePosition {
  const top = model.options?.value ?? null;
  const candidates: [Node | null, string[]][] = [
    [service.options?.value ?? null, ["lan", ...path]],
    [top, ["services", service.name, "lan", ...path]],
    [top, ["lan", ...path]],
  ];
  for (const [start, steps] of candidates) {
    if (start === null) continue;
    const node = model.resolver.nodeAt(start, steps);
    if (node === null) continue;
    if (JSON.stringify(node.toJS(model.parsed.doc)) !== JSON.stringify(value)) continue;
    return model.parsed.source.position(node.range?.[0] ?? 0);
  }
  return outsideTheFile;
}

/** Where the service asks for the lan strategy or its options, for an option that is missing. */
export function lanBlockPosition(model: StackModel, service: ServiceModel): SourcePosition {
  const own = service.options?.value ?? null;
  const node = (own && model.resolver.nodeAt(own, ["lan"])) ?? own;
  return node ? model.parsed.source.position(node.range?.[0] ?? 0) : service.position;
}
