import type { StackModel } from "../model/types.js";
import { fileOptionsSchema, readOptionsNode, serviceOptionsSchema, type RawOptions } from "./options.js";
import { atLeast } from "../strategies/shared/placement.js";
import { transforms } from "../strategies/index.js";
import type { Transform } from "../strategies/strategy.js";

/** A file's own options: its top-level x-stackmod block and each service's, validated. */
export interface FileOptions {
  file: RawOptions;
  services: ReadonlyMap<string, RawOptions>;
  /** Where docker stack would refuse a block (before format 3.4 or 3.7). */
  warnings: string[];
}

/**
 * Every `x-stackmod` block of a file, validated: an invalid one is a BAD_OPTION error at
 * its value. `check` and `rewrite` both read a file's options here, so a typo such as
 * `strategy: proxi` fails both, and both give the same warnings.
 */
export function readFileOptions(model: StackModel, strategies: readonly Transform[] = transforms): FileOptions {
  const file = readOptionsNode(model.options?.value ?? null, model, fileOptionsSchema(strategies), "x-stackmod");
  const warnings: string[] = [];
  if (model.options && model.dialect === "swarm" && !atLeast(model.version, 3, 4)) {
    warnings.push(
      `${model.file}: a top-level x-stackmod block needs file format 3.4 or later for docker stack; move the ` +
        "options to --config",
    );
  }
  const services = new Map<string, RawOptions>();
  for (const service of model.services) {
    if (!service.options) continue;
    const own = readOptionsNode(
      service.options.value ?? null,
      model,
      serviceOptionsSchema(strategies),
      `services.${service.name}.x-stackmod`,
    );
    services.set(service.name, own);
    if (model.dialect === "swarm" && !atLeast(model.version, 3, 7)) {
      warnings.push(
        `${model.file}: service "${service.name}" has an x-stackmod block, which docker stack refuses before ` +
          `file format 3.7; use the top-level block's services.${service.name} or --config`,
      );
    }
  }
  return { file, services, warnings };
}
