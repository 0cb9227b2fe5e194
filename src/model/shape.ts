import * as z from "../zod.js";

/**
 * The shape of a stack file as stackmod reads it, checked on the file's plain data (aliases and merges
 * resolved): the one place that says which key holds which kind of value. `validate.ts` words a
 * mismatch from this schema itself (the kinds a setting's schema accepts, a mapping's description), so a
 * setting stackmod starts to read is added here and nowhere else.
 * Everything not listed passes through untouched. `z.nullable` marks the settings that may be empty
 * (`deploy:`); docker refuses the others empty too.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/**
 * `z.describe()` without the copy of the schema it makes (a cold start's cost): the text, read only to word
 * an error, goes to the same registry.
 */
function described<T extends z.core.$ZodType>(schema: T, description: string): T {
  z.globalRegistry.add(schema, { description });
  return schema;
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

const serviceShape = described(
  z.looseObject({
    networks: z.optional(z.union([z.array(z.string()), z.record(z.string(), attachmentConfig)])),
    ports: z.optional(z.array(portShape)),
    network_mode: z.optional(z.string()),
    deploy: z.optional(z.nullable(z.looseObject({}))),
    "x-stackmod": z.optional(z.nullable(z.looseObject({}))),
  }),
  "of its settings",
);

const networkShape = described(
  z.looseObject({
    name: z.optional(z.string()),
    external: z.optional(z.union([z.boolean(), z.looseObject({ name: z.optional(z.string()) }), z.string()])),
    driver: z.optional(z.string()),
  }),
  "of its settings",
);

export const fileShape = z.looseObject({
  version: z.optional(z.union([z.string(), z.number()])),
  services: z.optional(
    z.nullable(described(z.record(z.string(), z.nullable(serviceShape)), "(service name: settings)")),
  ),
  networks: z.optional(
    z.nullable(described(z.record(z.string(), z.nullable(networkShape)), "(network name: settings)")),
  ),
});

/** A stack file's data once `fileShape` has accepted it. */
export type StackData = z.output<typeof fileShape>;
