import * as z from "../zod.js";
import { dockerNamePattern } from "./names.js";

/**
 * The shape of a stack file as stackmod reads it, checked on the file's plain data (aliases and merges
 * resolved): the one place that says which key holds which kind of value and which keys are names.
 * `validate.ts` words a mismatch from this schema itself (the kinds its options accept, a mapping's
 * `z.describe()` text), so a setting stackmod starts to read is added here and nowhere else.
 * Everything not listed passes through untouched. `z.nullable` marks the settings that may be empty
 * (`deploy:`); docker refuses the others empty too.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A key that names a service or a network: Docker's own rule, so that no name carries shell or YAML syntax. */
function dockerName(noun: string) {
  return z.string().check(
    z.regex(dockerNamePattern, {
      error: (issue) =>
        `${noun} name ${JSON.stringify(issue.input)} is not one Docker accepts ` +
        "(letters, digits, '_', '.', '-', starting with a letter or digit); rename it",
    }),
  );
}

const attachmentConfig = z.nullable(z.looseObject({ aliases: z.optional(z.array(scalar)) }));

const portShape = z.union([
  z.string(),
  z.number(),
  z.looseObject({
    target: z.optional(z.union([z.number(), z.string()])),
    published: z.optional(z.union([z.number(), z.string()])),
    protocol: z.optional(z.string()),
    mode: z.optional(z.string()),
  }),
]);

const serviceShape = z
  .looseObject({
    networks: z.optional(z.union([z.array(z.string()), z.record(z.string(), attachmentConfig)])),
    ports: z.optional(z.array(portShape)),
    network_mode: z.optional(z.string()),
    deploy: z.optional(z.nullable(z.looseObject({}))),
    "x-stackmod": z.optional(z.nullable(z.looseObject({}))),
  })
  .check(z.describe("of its settings"));

const networkShape = z
  .looseObject({
    name: z.optional(z.string()),
    external: z.optional(z.union([z.boolean(), z.looseObject({ name: z.optional(z.string()) }), z.string()])),
    driver: z.optional(z.string()),
  })
  .check(z.describe("of its settings"));

export const fileShape = z.looseObject({
  version: z.optional(z.union([z.string(), z.number()])),
  services: z.optional(
    z.nullable(z.record(dockerName("service"), z.nullable(serviceShape)).check(z.describe("(service name: settings)"))),
  ),
  networks: z.optional(
    z.nullable(z.record(dockerName("network"), z.nullable(networkShape)).check(z.describe("(network name: settings)"))),
  ),
});

/** A stack file's data once `fileShape` has accepted it. */
export type StackData = z.output<typeof fileShape>;
