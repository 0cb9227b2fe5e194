import { isMap, isPair, isSeq, type Node } from "yaml";
import type { Attachment, ServiceModel } from "../model/types.js";
import type { ServiceEdits } from "../service-edits.js";
import { scalar, type Plain } from "../yaml/render.js";

/**
 * Puts the service on `key` where it was on the host network: the same list item
 * or map key, renamed, so its place, comment and settings stay. Where the
 * networks come from an anchor or a merge, the service gets a local override.
 */
export function replaceHostAttachment(edits: ServiceEdits, service: ServiceModel, host: Attachment, key: string): void {
  if (service.attachments.some((a) => a.key === key)) {
    edits.detach(service, (a) => a === host);
    return;
  }
  const entry = service.networks!;
  if (entry.local && !entry.viaAlias && (isSeq(entry.value) || isMap(entry.value))) {
    const node = (isPair(host.item) ? host.item.key : host.item) as Node;
    edits.editor.edits.add(node.range![0], node.range![1], scalar(key));
    return;
  }
  const data = service.data.networks as Plain;
  const renamed: Plain = Array.isArray(data)
    ? data.map((name) => (name === host.key ? key : name))
    : Object.fromEntries(Object.entries(data as Record<string, Plain>).map(([k, v]) => [k === host.key ? key : k, v]));
  override(edits, service, renamed);
}

/** Adds `key` to the service's networks, list or map, in the form the file uses. */
export function attachNetwork(edits: ServiceEdits, service: ServiceModel, key: string): void {
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
