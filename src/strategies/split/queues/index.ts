import type { QueueKind } from "./kind.js";
import { mqtt } from "./mqtt.js";
import { nats } from "./nats.js";
import { rabbitmq } from "./rabbitmq.js";
import { redis } from "./redis.js";

export type { QueueKind, QueueSecrets } from "./kind.js";
export { secretPath } from "./kind.js";

/**
 * Every queue kind, one line each, in the order the docs list them; the first is the
 * default. Adding a kind: its file beside this one, then its line here.
 */
const registry = [nats, redis, rabbitmq, mqtt] as const;

export type QueueKindName = (typeof registry)[number]["name"];

export const queueKindNames = registry.map((kind) => kind.name) as unknown as readonly [
  QueueKindName,
  ...QueueKindName[],
];

export const defaultQueueKind: QueueKindName = queueKindNames[0];

export const queueKinds = Object.fromEntries(registry.map((kind) => [kind.name, kind])) as Record<
  QueueKindName,
  QueueKind
>;

/** The kinds in registry order, for docs and tests that say something about each. */
export const queueKindList: readonly QueueKind<QueueKindName>[] = registry;
