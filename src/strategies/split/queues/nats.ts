import { defineQueueKind } from "./kind.js";

export const nats = defineQueueKind({
  name: "nats",
  image: "nats:2.10-alpine",
  port: 4222,
  scheme: "nats",
  auth: "never",
  // A subject is dot-separated tokens; `*` and `>` are wildcards, refused when publishing.
  topic: {
    noun: "NATS subject",
    pattern: /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/,
    rule: "a NATS subject: tokens of letters, digits, _ or - separated by single dots (no spaces, no * or > wildcards)",
  },
  command: () => undefined,
  delivery:
    "core NATS drops a message published while no processor is subscribed; the processor must be up before " +
    "the collector publishes (or use redis or rabbitmq)",
  summary: "core NATS subject, queue group: a message published while no processor is subscribed is lost",
  debianPackage: "nats-server",
});
