import { transforms } from "../../transforms/index.js";
import * as z from "../zod.js";

/** `stackmod transforms`: the strategies and their options, from their schemas. */
export function describeTransforms(): string {
  return transforms
    .map((t) => {
      const shape = (t.optionsSchema as z.ZodMiniObject).shape;
      const options = Object.entries(shape).map(
        ([key, schema]) => `    ${t.optionsKey}.${key}: ${z.descriptionOf(schema) ?? ""}`,
      );
      return [`${t.name}: ${t.summary}`, ...options].join("\n");
    })
    .join("\n\n")
    .concat("\n");
}
