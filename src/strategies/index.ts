import type { OptionsOf, Transform } from "./strategy.js";
import { lan } from "./lan/lan.js";
import { proxy } from "./proxy/proxy.js";
import { publish } from "./publish/publish.js";
import { split } from "./split/split.js";

/**
 * Every strategy, one line each, in the order `stackmod transforms`, `--help` and the README list
 * them. Adding a strategy: its folder beside this file, then its line here.
 */
const registry = [publish, proxy, split, lan] as const;

type Registered = (typeof registry)[number];

/** The name of a registered strategy: the values of `strategy:` besides `skip`. */
export type StrategyName = Registered["name"];

/** Each strategy's options block, by its key in `x-stackmod` (`proxy: {...}`), as a layer of options gives it. */
export type StrategyBlocks = { [T in Registered as T["optionsKey"]]?: Partial<OptionsOf<T>> };

export const transforms: readonly Transform[] = registry;
