// The tests' side of every queue kind, keyed by the registry (src/strategies/split/queues/index.ts): one folder
// per kind beside this file, one line here. test/strategies/split/queues.test.ts fails, naming the kind and the
// file, while a kind of the registry lacks any of them.
import type { QueueKindName } from "../../../src/strategies/split/queues/index.js";
import { mqtt } from "./mqtt/broker.js";
import { nats } from "./nats/broker.js";
import { rabbitmq } from "./rabbitmq/broker.js";
import { redis } from "./redis/broker.js";
import type { BrokerSetup } from "./setup.js";

const setups: Record<QueueKindName, BrokerSetup> = {
  nats,
  redis,
  rabbitmq,
  mqtt,
};

/** The files of a kind's folder here, and what each is for (said when one is missing). */
export const kindFiles = {
  "broker.ts": "how the tests start its Debian broker and pack it into an image (a BrokerSetup, in index.ts too)",
  "client.mjs": "a Node client for its scheme: `scheme`, `publish(cfg, message)`, `receive(cfg, onReady)`",
  "app.sh": "the e2e shell app's protocol: `receive` (the processor's loop) and `send PAYLOAD` (the collector's)",
} as const;

/** The folder of a kind's test side, relative to the repository. */
export function kindFolder(kind: string): string {
  return `test/brokers/kinds/${kind}/`;
}

/** The kind's test side; throws, naming what to add, for a kind of the registry that has none. */
export function setupOf(kind: QueueKindName): BrokerSetup {
  const setup = setups[kind] as BrokerSetup | undefined;
  if (!setup) throw new Error(`${kind}: no entry in test/brokers/kinds/index.ts (${kindFiles["broker.ts"]})`);
  return setup;
}

/** The kinds with a test side, for the check that every one belongs to the registry. */
export const setupNames: readonly string[] = Object.keys(setups);
