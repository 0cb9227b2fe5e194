import { isSeq } from "yaml";
import type { FixContext } from "../rule.js";
import { localEntry, scalarText } from "./key-findings.js";
import { stackFormat } from "./compose-keys.js";

/**
 * `shm_size:` as a tmpfs mount at /dev/shm of that size (long volume syntax with
 * `tmpfs.size`, from format 3.6), which Swarm applies.
 */
export function fixShmSize({ model, service, edits, notes }: FixContext): boolean {
  const entry = localEntry(service, model, "shm_size");
  const value = scalarText(entry);
  const bytes = value === undefined ? undefined : bytesOf(value);
  if (!entry || bytes === undefined) {
    const why = entry ? `"${value}" is not a size stackmod reads` : "it comes from an anchor or a merge key";
    notes.warn(`${service.name}: left \`shm_size\`: ${why}`);
    return false;
  }
  if ((stackFormat(model.version) ?? 0) < 3.06) {
    notes.warn(`${service.name}: left \`shm_size\`: a tmpfs mount with a size needs file format 3.6 or later`);
    return false;
  }
  const volumes = service.data.volumes;
  const mounted =
    Array.isArray(volumes) &&
    volumes.some((v) => typeof v === "object" && v !== null && (v as { target?: unknown }).target === "/dev/shm");
  const volumesEntry = model.resolver.get(service.map, "volumes");
  if (volumesEntry && !isSeq(volumesEntry.value)) return false;
  if (!mounted) edits.appendToList(service, "volumes", [{ type: "tmpfs", target: "/dev/shm", tmpfs: { size: bytes } }]);
  edits.removeKey(service, "shm_size");
  notes.info(
    mounted
      ? `${service.name}: removed \`shm_size: ${value}\`: docker stack ignores it, and a volume already mounts /dev/shm`
      : `${service.name}: \`shm_size: ${value}\` became a tmpfs mount at /dev/shm of ${bytes} bytes, which ` +
          "Swarm applies",
  );
  return true;
}

/** docker's RAMInBytes: a number with an optional b, k, m, g, t (binary) and an optional b or ib. */
function bytesOf(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!match) return undefined;
  const power = ["", "k", "m", "g", "t"].indexOf(match[2]!.toLowerCase());
  const bytes = Math.round(Number(match[1]) * 1024 ** power);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
