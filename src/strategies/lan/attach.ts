import { isMap, isPair, isSeq, type Node } from "yaml";
import type { Attachment, ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";
import { scalar, type Plain } from "../../edit/render.js";

/**
 * Puts the service on `key` where it was on the host network: the same list item
 * or map key, renamed, so its place, comment and settings stay; a second host
 * attachment (host declared under two keys) goes. Where the networks come from an
 * anchor or a merge, the service gets a local override.
 */
export function replaceHostAttachment(
  edits: ServiceEdits,
  service: ServiceModel,
  hosts: Attachment[],
  key: string,
): void {
  const [first, ...others] = hosts;
  if (!first) return;
  const shape = edits.plan(service.name);
  for (const host of hosts) shape.off.add(host.key);
  shape.on.add(key);
  if (service.attachments.some((a) => a.key === key)) {
    edits.detach(service, (a) => hosts.includes(a));
    return;
  }
  const entry = service.networks!;
  const collection = entry.value;
  if (entry.local && !entry.viaAlias && (isSeq(collection) || isMap(collection))) {
    const node = (isPair(first.item) ? first.item.key : first.item) as Node;
    edits.editor.edits.add(node.range![0], node.range![1], scalar(key));
    for (const other of others) edits.editor.remove(collection, other.item as Node);
    return;
  }
  const gone = new Set(others.map((a) => a.key));
  const data = service.data.networks as Plain;
  const renamed: Plain = Array.isArray(data)
    ? data.filter((name) => !gone.has(String(name))).map((name) => (name === first.key ? key : name))
    : Object.fromEntries(
        Object.entries(data as Record<string, Plain>)
          .filter(([k]) => !gone.has(k))
          .map(([k, v]) => [k === first.key ? key : k, v]),
      );
  override(edits, service, renamed);
}

/** Adds `key` to the service's networks, list or map, in the form the file uses. */
export function attachNetwork(edits: ServiceEdits, service: ServiceModel, key: string): void {
  edits.plan(service.name).on.add(key);
  const entry = service.networks;
  if (!entry || isSeq(entry.value)) {
    edits.appendToList(service, "networks", [key]);
    return;
  }
  if (entry.local && !entry.viaAlias && isMap(entry.value)) {
    edits.editor.addPair(entry.value, key, {});
    return;
  }
  override(edits, service, { ...((service.data.networks ?? {}) as Record<string, Plain>), [key]: {} });
}

function override(edits: ServiceEdits, service: ServiceModel, value: Plain): void {
  const entry = service.networks;
  if (entry?.local && entry.viaAlias) edits.editor.replaceWithFlow(entry.pair.value as Node, value);
  else edits.editor.addPair(service.map, "networks", value);
}
