import * as z from "../../../zod.js";
import { queueDocs } from "./describe.js";
import { defaultQueueKind, queueKindNames, type QueueKindName } from "./index.js";

const envName = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z_][A-Za-z0-9_]*$/,
      "an environment variable name: letters, digits and _, not starting with a digit",
    ),
  );
const resourceName = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
      "a service or secret name: letters, digits and _ . -, starting with a letter or digit",
    ),
  );
const nonEmpty = () => z.string().check(z.minLength(1));

// swarmkit's own syntax (manager/constraint/constraint.go): KEY == VALUE or KEY != VALUE, the first operator
// found splitting it; the engine refuses anything else at deploy, long after the rewrite said it was fine.
const constraintKey = /^[a-z_][a-z0-9\-_.]+$/i;
const constraintValue = /^[a-z0-9:\-_\t\n\f\r .*()?+[\]\\^$|/]+$/i;
const constraint = z.string().check(
  z.superRefine((value, ctx) => {
    const op = ["==", "!="].find((o) => value.includes(o));
    const [key, rest] = op ? [value.slice(0, value.indexOf(op)), value.slice(value.indexOf(op) + 2)] : ["", ""];
    if (!op || !constraintKey.test(key.trim()) || !constraintValue.test(rest.trim())) {
      ctx.addIssue({
        code: "custom",
        message:
          `invalid placement constraint ${JSON.stringify(value)}: expected KEY == VALUE or KEY != VALUE, e.g. ` +
          `"node.role == manager" (swarmkit's syntax)`,
      });
    }
  }),
);

// No defaults here: options are merged layer by layer (service, flags, file,
// --config), and a default filled into a specific layer would hide a value given in
// a broader one. The defaults are applied once, in `withDefaults`.
export const splitOptions = z.object({
  kind: z
    .optional(z.enum(queueKindNames))
    .check(z.describe(`the broker between collector and processor: ${queueDocs.kinds}`)),
  image: z.optional(nonEmpty()).check(z.describe(`the broker's image; pinned by default: ${queueDocs.images}`)),
  topic: z
    .optional(nonEmpty())
    .check(z.describe(`the ${queueDocs.topics} both halves use (default: the service's name)`)),
  published: z
    .optional(z.number().check(z.int(), z.minimum(1), z.maximum(65535)))
    .check(
      z.describe(
        "the port the queue publishes for the collector, which reaches it at 127.0.0.1:PUBLISHED " +
          `(default: the broker's port: ${queueDocs.ports}, or the next free one when the file already publishes it)`,
      ),
    ),
  publish: z
    .optional(z.enum(["ingress", "host"]))
    .check(
      z.describe(
        "how the queue publishes its port: ingress (default, every node) or host (only where the queue runs; " +
          "it gets the service's placement)",
      ),
    ),
  shared: z
    .optional(resourceName)
    .check(
      z.describe(
        "one queue service of this name for every split service that gives it (default: a SERVICE-queue each)",
      ),
    ),
  auth: z.optional(z.boolean()).check(z.describe(queueDocs.auth)),
  secrets: z
    .optional(z.strictObject({ user: z.optional(resourceName), password: z.optional(resourceName) }))
    .check(
      z.describe(
        "{user, password}: the secrets holding the credentials (default QUEUE-user, QUEUE-password); " +
          "external secrets in a stack file, files under ./secrets/ in a Compose file",
      ),
    ),
  env: z
    .optional(
      z.strictObject({
        url: z.optional(envName),
        topic: z.optional(envName),
        role: z.optional(envName),
        userFile: z.optional(envName),
        passwordFile: z.optional(envName),
      }),
    )
    .check(
      z.describe(
        "{url, topic, role, userFile, passwordFile}: the variable names the halves read (default QUEUE_URL, " +
          "QUEUE_TOPIC, STACKMOD_ROLE, QUEUE_USER_FILE, QUEUE_PASSWORD_FILE)",
      ),
    ),
  processor: z
    .optional(
      z.strictObject({
        image: z.optional(nonEmpty()),
        command: z.optional(z.union([z.string(), z.array(z.string())])),
        constraints: z.optional(z.array(constraint)),
      }),
    )
    .check(
      z.describe(
        "{image, command, constraints}: what the processor runs instead of the service's own image and " +
          "command, and where: constraints replace the service's deploy.placement.constraints on the processor " +
          "only ([] lets it run on any node; default: the service's own); --processor-constraint EXPR",
      ),
    ),
});

export type SplitOptions = z.infer<typeof splitOptions>;

export interface SplitSettings {
  kind: QueueKindName;
  image: string | undefined;
  topic: string;
  published: number | undefined;
  publish: "ingress" | "host";
  shared: string | undefined;
  auth: boolean | undefined;
  secrets: { user: string | undefined; password: string | undefined };
  env: { url: string; topic: string; role: string; userFile: string; passwordFile: string };
  processor: {
    image: string | undefined;
    command: string | string[] | undefined;
    /** Undefined: the service's own placement (the processor is the service, renamed in place). */
    constraints: string[] | undefined;
  };
}

export function withDefaults(options: SplitOptions, service: string): SplitSettings {
  return {
    kind: options.kind ?? defaultQueueKind,
    image: options.image,
    topic: options.topic ?? service,
    published: options.published,
    publish: options.publish ?? "ingress",
    shared: options.shared,
    auth: options.auth,
    secrets: { user: options.secrets?.user, password: options.secrets?.password },
    env: {
      url: options.env?.url ?? "QUEUE_URL",
      topic: options.env?.topic ?? "QUEUE_TOPIC",
      role: options.env?.role ?? "STACKMOD_ROLE",
      userFile: options.env?.userFile ?? "QUEUE_USER_FILE",
      passwordFile: options.env?.passwordFile ?? "QUEUE_PASSWORD_FILE",
    },
    processor: {
      image: options.processor?.image,
      command: options.processor?.command,
      constraints: options.processor?.constraints,
    },
  };
}
