import { optionPosition } from "../../model/option-position.js";
import type { SourcePosition } from "../../errors.js";
import type { ServiceModel, StackModel } from "../../model/types.js";

/** Where an option came from when no node of the file holds it. */
const outsideTheFile: SourcePosition = { file: "<command line or --config>", line: 1, column: 1 };

/** Where the file wrote the lan option at `path` (e.g. ["gateway"]) that gave `value`; else the flags or --config. */
export function lanOptionPosition(
  model: StackModel,
  service: ServiceModel,
  path: string[],
  value: unknown,
): SourcePosition {
  return optionPosition(model, service, "lan", path, value) ?? outsideTheFile;
}

/** Where the service asks for the lan strategy or its options, for an option that is missing. */
export function lanBlockPosition(model: StackModel, service: ServiceModel): SourcePosition {
  const own = service.options?.value ?? null;
  const node = (own && model.resolver.nodeAt(own, ["lan"])) ?? own;
  return node ? model.positionOf(node) : service.position;
}
