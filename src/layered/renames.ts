import { isDeepStrictEqual } from "node:util";
import { isData, type Data } from "../model/merge.js";

/**
 * The services the merged plan renamed in place (split's processor), old name to new. `ServiceEdits.renameService`
 * replaces the service's key where it stands, and the services a strategy adds go after it, so a rewritten service
 * missing from the plan's output is the first new name where it stood: after the kept service before it. docker
 * merges `-c` files' services by name (docker/cli v28.2.2 cli/compose/loader/merge.go mergeServices), so a rename is
 * written in every file that writes the service.
 */
export function renamesOf(before: string[], after: string[], applied: string[]): Map<string, string> {
  const renames = new Map<string, string>();
  const kept = new Set(before.filter((name) => after.includes(name)));
  const taken = new Set<string>();
  for (const [index, name] of before.entries()) {
    if (kept.has(name) || !applied.includes(name)) continue;
    const previous = before
      .slice(0, index)
      .reverse()
      .find((other) => kept.has(other));
    const from = previous === undefined ? 0 : after.indexOf(previous) + 1;
    const next = after.slice(from).find((other) => !before.includes(other) && !taken.has(other));
    if (next === undefined) continue;
    renames.set(name, next);
    taken.add(next);
  }
  return renames;
}

/**
 * A service's data with its `depends_on` and `links` pointing at the renamed services, as
 * `ServiceEdits.renameReferences` writes them (a link keeps the old name as its alias).
 */
function referencesRenamed(data: Data, renames: ReadonlyMap<string, string>): Data {
  const result: Data = { ...data };
  const depends = data.depends_on;
  if (Array.isArray(depends)) result.depends_on = depends.map((name) => renames.get(String(name)) ?? name);
  else if (isData(depends)) {
    result.depends_on = Object.fromEntries(Object.entries(depends).map(([k, v]) => [renames.get(k) ?? k, v]));
  }
  if (Array.isArray(data.links)) {
    result.links = data.links.map((link) => {
      const [name, alias] = String(link).split(":");
      const to = renames.get(name!);
      return to === undefined ? link : `${to}:${alias ?? name}`;
    });
  }
  return result;
}

/** Whether the plan changed `before` into `after` only by following the renames in its references. */
export function onlyReferencesRenamed(before: Data, after: unknown, renames: ReadonlyMap<string, string>): boolean {
  return renames.size > 0 && isData(after) && isDeepStrictEqual(referencesRenamed(before, renames), after);
}
