import type { StrategyBlocks, StrategyName } from "../strategies/index.js";

/** A port the service receives on the host side: `502`, `"47808/udp"`, `"57808:47808/udp"`, `"38412/sctp"`. */
export type PortSpec =
  | number
  | `${number}`
  | `${number}/${"tcp" | "udp" | "sctp"}`
  | `${number}:${number}`
  | `${number}:${number}/${"tcp" | "udp" | "sctp"}`;

/**
 * The options of one service, as its `x-stackmod` block takes them: real types, derived from the
 * strategies' registry, so that `{ strategy: "proxi" }` does not type-check. Values are validated
 * again at run time.
 */
export type ServiceOptions = StrategyBlocks & {
  strategy?: StrategyName | "skip";
  ports?: PortSpec[];
};

/** The top-level `x-stackmod` block, a `--config` file, the library's `options`: defaults plus per-service options. */
export type StackmodOptions = ServiceOptions & {
  services?: Record<string, ServiceOptions>;
  /** The Docker Engine to judge for, e.g. "28.0.1". */
  engine?: string | number;
};
