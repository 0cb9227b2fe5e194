import { secretPath, defineQueueKind } from "./kind.js";

export const redis = defineQueueKind({
  name: "redis",
  image: "redis:7.2-alpine",
  port: 6379,
  scheme: "redis",
  auth: "optional",
  topic: {
    noun: "Redis list",
    pattern: /^[A-Za-z0-9_.:/-]+$/,
    rule: "a Redis key of letters, digits and _ . : / - (no spaces)",
  },
  // The image reads no *_FILE variable: the password comes from the secret at start.
  // `$$` is a literal `$` after the stack file's interpolation.
  command: (secrets) =>
    secrets
      ? ["sh", "-c", `exec redis-server --save '' --requirepass "$$(cat ${secretPath(secrets.password)})"`]
      : undefined,
  delivery:
    "the collector LPUSHes to a Redis list and the processor BRPOPs it: messages wait in the list while the " +
    "processor is down (not across a restart of the queue)",
  summary: "a list: `LPUSH` / `BRPOP`; messages wait while the processor is down, not across a restart of the queue",
  debianPackage: "redis-server",
});
