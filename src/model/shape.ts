import * as z from "../zod.js";

/**
 * What `validate.ts` leaves to a schema, checked on the file's plain data (aliases and merges resolved):
 * the insides of the settings whose kinds `checkInput` has already checked (list items, attachment settings,
 * a port's fields, `external.name`), `version`, and the empty values (`driver:`) the kind checks let through.
 * No setting's kind is checked in both places. Everything else passes through untouched.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const attachmentConfig = z.union([z.null(), z.looseObject({ aliases: z.optional(z.array(scalar)) })]);

const serviceNetworksShape = z.union([z.array(z.string()), z.record(z.string(), attachmentConfig)]);

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

const serviceShape = z.looseObject({
  networks: z.optional(serviceNetworksShape),
  ports: z.optional(z.array(portShape)),
  // An empty value (`network_mode:`), which the kind checks let through.
  network_mode: z.optional(z.string()),
});

const networkShape = z.union([
  z.null(),
  z.looseObject({
    name: z.optional(z.string()),
    external: z.optional(z.union([z.boolean(), z.string(), z.looseObject({ name: z.optional(z.string()) })])),
    driver: z.optional(z.string()),
  }),
]);

export const fileShape = z.looseObject({
  version: z.optional(z.union([z.string(), z.number()])),
  services: z.optional(z.nullable(z.record(z.string(), z.union([serviceShape, z.null()])))),
  networks: z.optional(z.nullable(z.record(z.string(), networkShape))),
});
