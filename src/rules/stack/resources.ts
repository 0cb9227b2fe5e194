import type { FixContext } from "../rule.js";
import { localEntry, scalarText } from "./key-findings.js";

/** Compose's resource keys and where Swarm takes them: `deploy.resources.*` (strings, as the v3 schema wants). */
export const resourceKeys: Readonly<Record<string, [string, string]>> = {
  mem_limit: ["limits", "memory"],
  mem_reservation: ["reservations", "memory"],
  cpus: ["limits", "cpus"],
};

/** Moves one resource key of the service to `deploy.resources`; false (with a note) when it cannot. */
export function moveResource({ model, service, edits, deploy, notes }: FixContext, key: string): boolean {
  const [group, field] = resourceKeys[key]!;
  const entry = localEntry(service, model, key);
  const value = scalarText(entry);
  if (!entry || value === undefined) {
    notes.warn(`${service.name}: left \`${key}\`: it comes from an anchor or a merge key, or is not a single value`);
    return false;
  }
  const existing = deploy.existing(service, ["resources", group, field]);
  if (existing === undefined) deploy.add(service, ["resources", group], { [field]: value });
  edits.removeKey(service, key);
  notes.info(
    existing === undefined
      ? `${service.name}: \`${key}: ${value}\` became deploy.resources.${group}.${field}: "${value}", which ` +
          "Swarm applies"
      : `${service.name}: removed \`${key}\`: deploy.resources.${group}.${field} already sets it`,
  );
  return true;
}
