import type { StrategyName, Transform } from "../src/transform.js";
import { lan } from "./lan.js";
import { proxy } from "./proxy.js";
import { publish } from "./publish.js";
import { split } from "./split.js";

/** Every strategy, in the order `stackmod transforms` lists them. */
export const transforms: readonly Transform[] = [
  publish as Transform,
  proxy as Transform,
  split as Transform,
  lan as Transform,
];

export function findTransform(name: StrategyName): Transform | undefined {
  return transforms.find((t) => t.name === name);
}
