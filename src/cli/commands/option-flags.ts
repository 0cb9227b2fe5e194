import { transforms } from "../../strategies/index.js";
import type { StrategyFlag, Transform } from "../../strategies/strategy.js";

export { usageError } from "../../errors.js";

/**
 * The rewrite flags that set an `x-stackmod` option, each defined once: its flag, its
 * help, and the option it sets (`queue.kind`). main.ts registers them, cli-options.ts turns
 * their values into the options layer, and an invalid value is reported by its flag.
 */
export interface OptionFlag {
  /** As commander takes it: `--queue <kind>`. */
  flags: string;
  /** The property commander stores the value under. */
  attribute: string;
  description: string;
  /** The options it sets, as dotted paths. */
  sets: string[];
  repeatable?: boolean;
  /** The options' value from what the flag was given; by default, that. */
  read?(given: string[]): unknown;
}

const strategyFlag: OptionFlag = {
  flags: "--strategy <name>",
  attribute: "strategy",
  description: "strategy for every conflicting service",
  sets: ["strategy"],
};

const portFlag: OptionFlag = {
  flags: "--port <service=port>",
  attribute: "port",
  description: "a port SERVICE receives on the host side, e.g. bacnet=47808/udp",
  sets: ["services.*.ports"],
  repeatable: true,
};

/** --strategy, then each strategy's own flags in the registry's order, then --port. */
export const optionFlags: readonly OptionFlag[] = optionFlagsOf(transforms);

export function optionFlagsOf(list: readonly Transform[]): OptionFlag[] {
  return [strategyFlag, ...strategyFlags(list), portFlag];
}

/**
 * The flags the strategies declare, each once: a flag several of them declare (`--publish`) sets
 * the option of each, at the place of its first declaration.
 */
function strategyFlags(list: readonly Transform[]): OptionFlag[] {
  const byFlag = new Map<string, { flag: StrategyFlag; by: { name: string; key: string; help: string }[] }>();
  for (const t of list) {
    for (const flag of t.flags) {
      const entry = byFlag.get(flag.flags) ?? { flag, by: [] };
      entry.by.push({ name: t.name, key: `${t.optionsKey}.${flag.option}`, help: flag.help });
      byFlag.set(flag.flags, entry);
    }
  }
  return [...byFlag.values()].map(({ flag, by }) => ({
    flags: flag.flags,
    attribute: flag.attribute,
    description:
      by.length === 1
        ? `${by[0]!.name}: ${flag.help}`
        : `${by.map((b) => `${b.help} (${b.name})`).join(", or ")}: ${flag.values}`,
    sets: by.map((b) => b.key),
    ...(flag.repeatable ? { repeatable: true } : {}),
    ...(flag.read ? { read: flag.read } : {}),
  }));
}

/**
 * Every boolean flag of check and rewrite (all other options take exactly one value): the
 * next-step hint reads the command line with it. A new boolean flag is added here.
 */
export const booleanFlags: ReadonlySet<string> = new Set([
  "--write",
  "--check",
  "--stdout",
  "-q",
  "--quiet",
  "-v",
  "--verbose",
  "--color",
  "--no-color",
  "-h",
  "--help",
]);
