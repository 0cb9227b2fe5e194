import { isScalar, type Node } from "yaml";
import type { ServiceModel, StackModel } from "../../model/types.js";
import { isOwn, type Entry } from "../../parse/resolve.js";
import { findingOf, type Finding, type Rule } from "../rule.js";

/**
 * The service's keys (merges applied) that `pick` names, each as a finding at the key: in every file
 * that writes the service (`-c A -c B`), since docker checks each file's keys before it merges them.
 */
export function keyFindings<Id extends string>(
  rule: Rule<Id>,
  service: ServiceModel,
  model: StackModel,
  pick: (key: string, entry: Entry) => string | undefined,
): Finding<Id>[] {
  const findings: Finding<Id>[] = [];
  for (const map of service.maps) {
    for (const entry of model.resolver.entries(map)) {
      const message = pick(entry.key, entry);
      if (message === undefined) continue;
      const at = model.positionOf(entry.pair.key as Node | null);
      findings.push({ ...findingOf(rule, service, at, message), key: entry.key });
    }
  }
  return findings;
}

/** The entry of a key written in the service itself, not through an anchor or a merge key. */
export function localEntry(service: ServiceModel, model: StackModel, key: string): Entry | undefined {
  const entry = model.resolver.get(service.map, key);
  return isOwn(entry) ? entry : undefined;
}

/** A scalar value as text (`64m`, `on-failure:3`), or undefined. */
export function scalarText(entry: Entry | undefined): string | undefined {
  const value = entry?.value;
  if (!isScalar(value) || value.value === null) return undefined;
  return String(value.value);
}
