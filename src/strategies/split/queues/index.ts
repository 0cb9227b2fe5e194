import type { QueueKind, QueueKindName } from "./kind.js";
import { mqtt } from "./mqtt.js";
import { nats } from "./nats.js";
import { rabbitmq } from "./rabbitmq.js";
import { redis } from "./redis.js";

export type { QueueKind, QueueKindName, QueueSecrets } from "./kind.js";
export { secretPath } from "./kind.js";

export const queueKindNames = ["nats", "redis", "rabbitmq", "mqtt"] as const satisfies readonly QueueKindName[];

export const queueKinds: Record<QueueKindName, QueueKind> = { nats, redis, rabbitmq, mqtt };
