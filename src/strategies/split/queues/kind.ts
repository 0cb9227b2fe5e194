import type { Plain } from "../../../edit/render.js";

export type QueueKindName = "nats" | "redis" | "rabbitmq" | "mqtt";

/** Where the queue's credentials are mounted (Swarm or Compose secrets), when it has any. */
export interface QueueSecrets {
  user: string | undefined;
  password: string;
}

/**
 * One broker the split strategy can put between collector and processor: its
 * pinned image, port, URL scheme, and what the container needs to run in a stack.
 */
export interface QueueKind {
  name: QueueKindName;
  image: string;
  port: number;
  /** The scheme of QUEUE_URL, as the application's client reads it. */
  scheme: string;
  /** never: no credentials; optional: with `queue.auth: true`; required: always. */
  auth: "never" | "optional" | "required";
  /** Topics the broker accepts for publishing (and what to say when one is refused). */
  topic: { pattern: RegExp; rule: string };
  /** A named volume for the broker's data, mounted at this path. */
  dataPath?: string;
  /** The broker keys its data by host name (RabbitMQ's node name). */
  needsHostname?: boolean;
  /** The container's command, given where its secrets are mounted (none when auth is off). */
  command(secrets: QueueSecrets | undefined): Plain | undefined;
  /** Said in the report: what the application must know about delivery. */
  delivery: string;
}

/** Swarm and Compose both mount a secret at /run/secrets/NAME. */
export function secretPath(name: string): string {
  return `/run/secrets/${name}`;
}
