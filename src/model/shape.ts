import * as z from "../zod.js";

/**
 * The shape stackmod relies on, checked on the file's plain data (aliases and
 * merges resolved). Only the parts stackmod reads are strict; everything else
 * passes through untouched.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const attachmentConfig = z.union([z.null(), z.looseObject({ aliases: z.optional(z.array(scalar)) })]);

export const serviceNetworksShape = z.union([z.array(z.string()), z.record(z.string(), attachmentConfig)]);

export const portShape = z.union([
  z.string(),
  z.number(),
  z.looseObject({
    target: z.optional(z.union([z.number(), z.string()])),
    published: z.optional(z.union([z.number(), z.string()])),
    protocol: z.optional(z.string()),
    mode: z.optional(z.string()),
  }),
]);

export const serviceShape = z.looseObject({
  networks: z.optional(serviceNetworksShape),
  ports: z.optional(z.array(portShape)),
  network_mode: z.optional(z.string()),
  deploy: z.optional(z.nullable(z.looseObject({}))),
});

export const networkShape = z.union([
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

export type FileShape = z.infer<typeof fileShape>;
export type ServiceShape = z.infer<typeof serviceShape>;
