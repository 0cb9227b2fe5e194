import { z } from "zod";

/**
 * The shape stackmod relies on, checked on the file's plain data (aliases and
 * merges resolved). Only the parts stackmod reads are strict; everything else
 * passes through untouched.
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

const attachmentConfig = z.union([z.null(), z.looseObject({ aliases: z.array(scalar).optional() })]);

export const serviceNetworksShape = z.union([
  z.array(z.string()),
  z.record(z.string(), attachmentConfig),
]);

export const portShape = z.union([
  z.string(),
  z.number(),
  z.looseObject({
    target: z.union([z.number(), z.string()]).optional(),
    published: z.union([z.number(), z.string()]).optional(),
    protocol: z.string().optional(),
    mode: z.string().optional(),
  }),
]);

export const serviceShape = z.looseObject({
  networks: serviceNetworksShape.optional(),
  ports: z.array(portShape).optional(),
  network_mode: z.string().optional(),
  deploy: z.looseObject({}).nullable().optional(),
});

export const networkShape = z.union([
  z.null(),
  z.looseObject({
    name: z.string().optional(),
    external: z.union([z.boolean(), z.string(), z.looseObject({ name: z.string().optional() })]).optional(),
    driver: z.string().optional(),
  }),
]);

export const fileShape = z.looseObject({
  version: z.union([z.string(), z.number()]).optional(),
  services: z.record(z.string(), z.union([serviceShape, z.null()])).nullable().optional(),
  networks: z.record(z.string(), networkShape).nullable().optional(),
});

export type FileShape = z.infer<typeof fileShape>;
export type ServiceShape = z.infer<typeof serviceShape>;
