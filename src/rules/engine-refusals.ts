import type { EngineRange } from "../engine-version.js";
import type { RuleId } from "./rule.js";

/**
 * When the engine refuses a Swarm task for a rule, and the words it uses, per engine version: what
 * `stackmod audit` matches failing tasks against and judges `--engine TARGET` by. Read from moby's source at
 * its tags (cited per entry); kept here, as data, for the rules to fold in.
 */
export interface EngineRefusal {
  rule: RuleId;
  /** The engines that refuse to start such a task (Swarm tasks; plain containers never had the loophole). */
  refused: readonly EngineRange[];
  /** Where the ranges come from. */
  source: string;
  texts: readonly RefusalText[];
}

export interface RefusalText {
  text: string;
  /** The engines whose source has this text. */
  engines: EngineRange;
  source: string;
}

const sharedNamespace: RefusalText = {
  text: "container sharing network namespace with another container or host cannot be connected to any other network",
  engines: {},
  source:
    "runconfig/errors.go ErrConflictSharedNetwork (v20.10.24 to v28.x); daemon/container_operations.go (docker-v29.7.2)",
};

const hostTexts: readonly RefusalText[] = [
  sharedNamespace,
  {
    text: "container cannot be disconnected from host network or connected to host network",
    engines: { until: "28.0.2" },
    source: "runconfig/errors.go ErrConflictHostNetwork (v20.10.24, v28.0.1; replaced in v28.0.2)",
  },
  {
    text: "cannot connect container to host network - container must be created in host network mode",
    engines: { from: "28.0.2" },
    source:
      "runconfig/errors.go ErrConflictConnectToHostNetwork (v28.0.2, moby/moby#49605); daemon/container_operations.go (docker-v29.7.2)",
  },
];

/**
 * Engines up to 24.x check every attachment of a container when it starts; 25.x to 27.x skipped that check for
 * a Swarm task's container, and "Unconditionally update NetworkSettings" (moby a715ccaaa3, first in 28.0.0)
 * put it back: `updateNetworkSettings` in daemon/container_operations.go holds the host and the none checks.
 */
const startCheck = {
  refused: [{ until: "25.0.0" }, { from: "28.0.0" }],
  source: "daemon/container_operations.go updateNetworkSettings; moby a715ccaaa3 (v28.0.0); moby/moby#49716",
} as const;

export const engineRefusals: readonly EngineRefusal[] = [
  { rule: "host-plus-network", ...startCheck, texts: hostTexts },
  // Swarm attaches a service publishing in ingress mode to the ingress network: the same check as above.
  { rule: "host-ingress-port", ...startCheck, texts: hostTexts },
  {
    rule: "none-plus-network",
    ...startCheck,
    texts: [
      {
        text: "container cannot be connected to multiple networks with one of the networks in private (none) mode",
        engines: {},
        source:
          "runconfig/errors.go ErrConflictNoNetwork (v20.10.24 to v28.x); daemon/container_operations.go (docker-v29.7.2)",
      },
      sharedNamespace,
    ],
  },
];

export function refusalOf(rule: RuleId): EngineRefusal | undefined {
  return engineRefusals.find((r) => r.rule === rule);
}

/** The refusal texts a task error contains (a task shows them behind a prefix such as "starting container failed: "). */
export function refusalTextsIn(error: string): RefusalText[] {
  const found = new Map<string, RefusalText>();
  for (const refusal of engineRefusals)
    for (const text of refusal.texts) if (error.includes(text.text)) found.set(text.text, text);
  return [...found.values()];
}
