import type { LanOptions } from "../strategies/lan/options.js";
import type { SplitOptions } from "../strategies/split/queues/options.js";
import type { StrategyName } from "../strategies/strategy.js";
import type { ProxyOptions } from "../strategies/proxy/proxy.js";

/** A port the service receives on the host side: `502`, `"47808/udp"`, `"57808:47808/udp"`. */
export type PortSpec =
  number | `${number}` | `${number}/${"tcp" | "udp"}` | `${number}:${number}` | `${number}:${number}/${"tcp" | "udp"}`;

/**
 * The options of one service, as its `x-stackmod` block takes them: real types, so that
 * `{ strategy: "proxi" }` does not type-check. Values are validated again at run time.
 */
export interface ServiceOptions {
  strategy?: StrategyName | "skip";
  ports?: PortSpec[];
  proxy?: Partial<ProxyOptions>;
  queue?: Partial<SplitOptions>;
  lan?: Partial<LanOptions>;
}

/** The top-level `x-stackmod` block, a `--config` file, the library's `options`: defaults plus per-service options. */
export interface StackmodOptions extends ServiceOptions {
  services?: Record<string, ServiceOptions>;
  /** The Docker Engine to judge for, e.g. "28.0.1". */
  engine?: string | number;
}
