import { en } from "zod/locales";
import { config, globalRegistry, type core } from "zod/mini";

/**
 * zod's functional API: unlike the classic one it puts no methods on each schema it
 * builds, and only the parts stackmod uses end up in the bundle, as long as modules
 * import it as `import * as z from "./zod.js"` (a namespace passed around whole, such
 * as zod/mini's own `z` export, keeps every locale and check in the bundle).
 *
 * It loads no locale either, and stackmod's messages include zod's English ones:
 * English is set here, before any schema parses, unless the host program chose a
 * locale of its own.
 */
if (!config().localeError) config(en());

export * from "zod/mini";

/** The text a schema was given with `z.describe()`. */
export function descriptionOf(schema: core.$ZodType): string | undefined {
  return globalRegistry.get(schema)?.description;
}
