import type { StrategyName, Transform } from "./strategy.js";
import { lan } from "./lan/lan.js";
import { proxy } from "./proxy/proxy.js";
import { publish } from "./publish/publish.js";
import { split } from "./split/split.js";

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
