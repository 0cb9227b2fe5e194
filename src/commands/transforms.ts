import { transforms } from "../../transforms/index.js";

/** `stackmod transforms`: the strategies and their options, from their schemas. */
export function describeTransforms(): string {
  return transforms
    .map((t) => {
      const shape = (t.optionsSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
      const options = Object.entries(shape).map(([key, schema]) => `    ${t.optionsKey}.${key}: ${schema.description ?? ""}`);
      return [`${t.name}: ${t.summary}`, ...options].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
