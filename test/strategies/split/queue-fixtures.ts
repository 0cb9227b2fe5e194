import { testDir } from "../../helpers/paths.js";
import { join } from "node:path";

/** The folder of the split strategy's fixtures. */
export const splitFixtureDir = join(testDir, "fixtures", "split");

/** The fixture pairs every queue kind has: a stack file and a Compose file whose rewrite uses the kind. */
export function splitFixtures(kind: string): string[] {
  return [`${kind}-stack`, `${kind}-compose`];
}
