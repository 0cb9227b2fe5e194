import type { Plain } from "../../../edit/render.js";

/** Where the queue's credentials are mounted (Swarm or Compose secrets), when it has any. */
export interface QueueSecrets {
  user: string | undefined;
  password: string;
}

/**
 * One broker the split strategy can put between collector and processor: its
 * pinned image, port, URL scheme, and what the container needs to run in a stack.
 * Everything said about a kind elsewhere (option docs, CLI help, the README's list,
 * the tests' brokers) is derived from these fields: see index.ts for the registry.
 */
export interface QueueKind<Name extends string = string> {
  /** The value of `queue.kind` and `--queue`. */
  name: Name;
  /** The pinned image the queue service runs unless `queue.image` says otherwise. */
  image: string;
  /** The port the broker listens on in its container. */
  port: number;
  /** The scheme of QUEUE_URL, as the application's client reads it. */
  scheme: string;
  /** never: no credentials; optional: with `queue.auth: true`; required: always. */
  auth: "never" | "optional" | "required";
  /**
   * What a topic is to this broker (`NATS subject`, in the option docs), the topics it
   * accepts for publishing, and what to say when one is refused.
   */
  topic: { noun: string; pattern: RegExp; rule: string };
  /** A named volume for the broker's data, mounted at this path. */
  dataPath?: string;
  /** The broker keys its data by host name (RabbitMQ's node name). */
  needsHostname?: boolean;
  /** The container's command, given where its secrets are mounted (none when auth is off). */
  command(secrets: QueueSecrets | undefined): Plain | undefined;
  /** Said in the report: what the application must know about delivery. */
  delivery: string;
  /** The same, short, for the README's list of kinds (Markdown). */
  summary: string;
  /**
   * The Debian package whose broker the tests run (test/brokers/kinds/KIND/); the install
   * scripts (.ci/install-brokers.sh, .ci/install-e2e.sh) must list it, which a test checks.
   */
  debianPackage: string;
}

/** A kind with its name kept as a literal type, so that the registry can derive the union of names. */
export function defineQueueKind<const Name extends string>(kind: QueueKind<Name>): QueueKind<Name> {
  return kind;
}

/** Swarm and Compose both mount a secret at /run/secrets/NAME. */
export function secretPath(name: string): string {
  return `/run/secrets/${name}`;
}
