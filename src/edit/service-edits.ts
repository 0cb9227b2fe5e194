import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { StackmodError } from "../errors.js";
import {
  hostNetworked,
  type Attachment,
  type PortEntry,
  type PortProtocol,
  type ServiceModel,
  type StackModel,
} from "../model/types.js";
import { isOwn } from "../parse/resolve.js";
import { emptyShape, shapeOfBody, type PlannedShape } from "./planned-shape.js";
import { SharedNodes } from "./shared-nodes.js";
import { TopLevelDeclarations } from "./top-level.js";
import type { TextEdit } from "./text-edits.js";
import { YamlEditor } from "./yaml-editor.js";
import { flow, type Plain } from "./render.js";
import { blockEnd, dashOffset, detectStyle, keyStart, nodeStart } from "./style.js";

export type EnvVar = [name: string, value: string];

/** Text the file writes elsewhere, copied into a service: `ServiceEdits.copyInto`. */
export interface CopiedText {
  /** The service's key the text goes under, for messages. */
  key: string;
  /** The service's own list or mapping the text goes into, or the pair it replaces. */
  into: Node | Pair;
  /** Replaced: [start, end) of the text as read (start = end: inserted). */
  start: number;
  end: number;
  text: string;
}

type Tree = { [key: string]: Plain };

const isHost = (a: Attachment) => a.network?.special === "host";

/** What the edits of one pass produce: the new text, and the edits against the text the pass read. */
export interface EditResult {
  output: string;
  edits: readonly TextEdit[];
  /** Maps an offset of `output` back to the text edited (inserted text: where it was inserted). */
  back: (offset: number) => number;
}

/**
 * The one way a strategy or a fix edits the file: every change to the text goes through these
 * methods, which own the YAML editor. Where a value is the service's own (`isOwn`) it is edited in
 * place; where it comes from an anchor (`*x`) or a merge key (`<<: *x`), the service gets a local
 * override and the anchor stays untouched for its other users. Every splice also passes
 * `SharedNodes.check`, so a shared anchor is never changed, whichever method made the edit.
 */
export class ServiceEdits {
  private readonly editor: YamlEditor;
  private readonly shared: SharedNodes;
  /** Top-level `networks:`, `volumes:`, `secrets:` the run adds, written once by `finish()`. */
  private readonly topLevel: TopLevelDeclarations;
  private readonly serviceNames: Set<string>;
  private readonly publishedPorts = new Map<string, string>();
  /** Host ports something on the host network listens on (a generated proxy, a service that stays there). */
  private readonly hostListens = new Map<string, string>();
  /** Attachments already taken off each service, so that a second detach (a fix, then a strategy) knows. */
  private readonly detached = new WeakMap<ServiceModel, Set<Attachment>>();
  /** Services this run takes off the host network. */
  private readonly leftHost = new Set<ServiceModel>();
  /** The services this run added, each group with the edits that wrote it (written again to follow a rename). */
  private readonly added: { after: ServiceModel; services: [string, Plain][]; edits: TextEdit[] }[] = [];
  /** Keys of a service this run wrote whole (created, replaced, overridden): the value, its edits, how. */
  private readonly wholeValues = new Map<ServiceModel, Map<string, WholeValue>>();
  /** Keys this run added to mappings inside a service's keys, by mapping: a second addition merges in. */
  private readonly nestedAdditions = new WeakMap<YAMLMap, Map<string, NestedAddition>>();

  /**
   * Keys of services no strategy was applied to that a strategy changed on purpose
   * (split's `depends_on` and `links` following a renamed service), by service:
   * the verify step expects those, and only those, to read differently.
   */
  readonly followed = new Map<string, Set<string>>();
  /** What each service the run rewrites or adds reads as afterwards, by (original) name: verify compares. */
  readonly planned = new Map<string, PlannedShape>();
  /** Services renamed in place (split's NAME-processor), new name to old: findings left on them are the old one's. */
  readonly renamed = new Map<string, string>();
  /**
   * Services added as a copy of another's settings (split's NAME-collector), new name to the
   * original: a finding a fix left on the original (a key docker stack refuses) is left on its copy.
   */
  readonly copies = new Map<string, string>();

  constructor(private readonly model: StackModel) {
    const { root, source } = model.parsed;
    this.editor = new YamlEditor(source, detectStyle(root, source));
    this.topLevel = new TopLevelDeclarations(model, this.editor);
    this.shared = new SharedNodes(model);
    const shared = this.shared;
    this.editor.guard = (start, end) => shared.check(start, end);
    this.serviceNames = new Set(model.services.map((s) => s.name));
    for (const service of model.services) {
      for (const port of service.ports) {
        if (port.published !== undefined) this.publishedPorts.set(`${port.published}/${port.protocol}`, service.name);
      }
    }
  }

  /** Writes what the run declared at the top level and returns the new text; call it once, last. */
  finish(): EditResult {
    this.topLevel.write();
    return { output: this.editor.result(), edits: this.editor.list(), back: this.editor.backMap() };
  }

  /**
   * Edits made inside `fn` go before those already at the same offset: keys nested in a block
   * (under `deploy:`) must precede a sibling that a later line of code added first at the block's end.
   */
  ahead<T>(fn: () => T): T {
    return this.editor.ahead(fn);
  }

  /**
   * A service written as `b: *a`, or one whose body other services alias or merge,
   * cannot be changed alone: checked before any strategy or fix touches a service.
   */
  assertOwnBody(service: ServiceModel): void {
    this.shared.assertOwnBody(service);
  }

  // Keys of one service.

  /** Sets a key to a new value: the pair replaced where it is written, added where it is absent or merged in. */
  setKey(service: ServiceModel, key: string, value: Plain): void {
    this.writeWhole(service, key, value, (v) => this.writeKey(service.map, key, v));
  }

  /** Removes a key from the service; a merged-in key cannot be removed, only overridden. */
  removeKey(service: ServiceModel, key: string): void {
    const entry = this.entry(service, key);
    if (!entry) return;
    this.assertOwnBody(service);
    const hostAttached = service.attachments.some((a) => isHost(a) && !this.detached.get(service)?.has(a));
    if (key === "network_mode" && service.networkMode?.value === "host" && !hostAttached) this.leavingHost(service);
    if (key === "network_mode") this.plan(service.name).networkMode = null;
    const beneath = entry.local ? this.model.resolver.beneath(service.map, key) : undefined;
    if (entry.local && !beneath) {
      this.editor.remove(service.map, entry.pair);
      return;
    }
    const empty: Plain = key === "network_mode" ? null : Array.isArray(service.data[key]) ? [] : {};
    if (entry.local && key !== "network_mode") {
      // A merge gives the key too: without the service's own, the merged value would show.
      if (entry.value) this.shared.assertNotShared(service, key, entry.value);
      this.editor.replacePair(service.map, entry.pair, key, empty);
      return;
    }
    if (key === "network_mode") {
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service.name}" gets \`network_mode\` through a merge key; move it out of the shared anchor` +
          " so that stackmod can remove it",
        service.position,
      );
    }
    this.editor.addPair(service.map, key, empty);
  }

  /** Appends values to a list key of the service (`ports:`, `extra_hosts:`), creating it when absent. */
  appendToList(service: ServiceModel, key: string, values: Plain[]): void {
    this.assertOwnBody(service);
    if (key === "ports") this.planPublishes(service, values);
    const entry = this.entry(service, key);
    if (!entry) {
      this.editor.addPair(service.map, key, values);
      return;
    }
    if (isOwn(entry) && isSeq(entry.value)) {
      this.shared.assertNotShared(service, key, entry.value);
      this.editor.append(entry.value, values);
      return;
    }
    const existing = (service.data[key] as Plain[] | undefined) ?? [];
    this.override(service, key, [...existing, ...values]);
  }

  /** Replaces a list key of the service with new values (written in place, or as a local override). */
  replaceList(service: ServiceModel, key: string, values: Plain[]): void {
    this.assertOwnBody(service);
    if (key === "ports") this.planPublishes(service, values);
    const entry = this.entry(service, key);
    if (isOwn(entry)) {
      if (entry.value) this.shared.assertNotShared(service, key, entry.value);
      this.editor.replacePair(service.map, entry.pair, key, values);
      return;
    }
    this.override(service, key, values);
  }

  /** Removes some items of a list key; the key goes when nothing is left. */
  removeFromList(service: ServiceModel, key: string, items: Node[]): void {
    const entry = this.entry(service, key);
    if (!entry || !isSeq(entry.value) || items.length === 0) return;
    this.assertOwnBody(service);
    if (items.length === entry.value.items.length) {
      this.removeKey(service, key);
      return;
    }
    if (isOwn(entry)) {
      this.shared.assertNotShared(service, key, entry.value);
      for (const item of items) this.editor.remove(entry.value, item);
      return;
    }
    const indexes = new Set(items.map((item) => (entry.value as { items: unknown[] }).items.indexOf(item)));
    const kept = ((service.data[key] as Plain[]) ?? []).filter((_, index) => !indexes.has(index));
    this.override(service, key, kept);
  }

  /**
   * Replaces one item of a list the service writes itself by `values`, where it stands (its comment,
   * and its neighbours, stay): a short port that must become a long one, one port of a range each.
   */
  replaceListItem(service: ServiceModel, key: string, item: Node, values: Plain[]): void {
    const seq = this.ownList(service, key, item);
    if (key === "ports") this.planPublishes(service, values);
    this.editor.replaceItem(seq, item, values);
  }

  /**
   * Sets fields of one mapping item of a list the service writes itself (`mode: host` in a long
   * port), each in place or added at the item's end; `undefined` removes the field. The item's
   * other fields, its comments and its tag stay as written.
   */
  setItemFields(service: ServiceModel, key: string, item: YAMLMap, fields: Record<string, Plain | undefined>): void {
    const seq = this.ownList(service, key, item);
    for (const [field, value] of Object.entries(fields)) {
      const pair = item.items.find((p) => isScalar(p.key) && String(p.key.value) === field);
      if (value === undefined) {
        if (pair) this.editor.remove(item, pair);
      } else if (!pair) {
        // Ahead of new items appended after this one, at the same offset when it is the last.
        this.editor.ahead(() => this.editor.addPair(item, field, value));
      } else if (isScalar(pair.value) && pair.value.range) this.replaceScalar(pair.value, value, { withTag: true });
      else this.editor.replacePair(item, pair, field, value);
    }
    if (key !== "ports") return;
    const before = (service.data.ports as Plain[] | undefined)?.[seq.items.indexOf(item)];
    const after: Record<string, Plain> = { ...(isTree(before) ? before : {}) };
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) delete after[field];
      else after[field] = value;
    }
    this.planPublishes(service, [after]);
  }

  /**
   * Adds variables to the service's `environment:`, list (`K=v`) or map, local or merged in;
   * a missing or empty one becomes a map.
   */
  addEnvironment(service: ServiceModel, vars: EnvVar[]): void {
    const key = "environment";
    const earlier = this.wholeValues.get(service)?.get(key);
    if (earlier) {
      this.writeWhole(service, key, environmentWith(earlier.value, vars), earlier.write);
      return;
    }
    const entry = this.entry(service, key);
    if (isOwn(entry) && isSeq(entry.value)) {
      this.appendToList(
        service,
        key,
        vars.map(([k, v]) => `${k}=${v}`),
      );
      return;
    }
    if (isOwn(entry) && isMap(entry.value)) {
      for (const [k, v] of vars) this.editor.addPair(entry.value, k, v);
      return;
    }
    const empty = entry && (entry.value === null || (isScalar(entry.value) && entry.value.value === null));
    // Absent, empty, or a scalar the service writes itself: its one `environment` pair is written.
    if (!entry || empty || isOwn(entry)) {
      this.setKey(service, key, environmentWith(empty ? undefined : service.data.environment, vars));
      return;
    }
    this.writeWhole(service, key, environmentWith(service.data.environment, vars), (v) =>
      this.override(service, key, v),
    );
  }

  /**
   * Adds `tree` under the mapping `key` of the service (`deploy:`), key by key: a mapping the
   * service writes itself is extended in place, at any depth; one that comes from an anchor or a
   * merge key stays untouched and is overridden by the resolved one plus the additions.
   */
  addUnder(service: ServiceModel, key: string, tree: Tree): void {
    const earlier = this.wholeValues.get(service)?.get(key);
    if (earlier) {
      this.writeWhole(service, key, mergePlain(earlier.value, tree), earlier.write);
      return;
    }
    const entry = this.entry(service, key);
    const resolved = service.data[key];
    if (!entry) {
      this.writeWhole(service, key, tree, (v) => this.editor.addPair(service.map, key, v));
      return;
    }
    if (isOwn(entry) && isMap(entry.value)) {
      this.mergeInto(entry.value, tree, resolved);
      return;
    }
    if (isOwn(entry) && isEmptyValue(entry.pair)) {
      this.setKey(service, key, tree);
      return;
    }
    const merged = mergePlain((resolved ?? {}) as Plain, tree);
    const pair = entry.pair;
    if (entry.local) this.writeWhole(service, key, merged, (v) => this.editor.replaceWithFlow(pair.value as Node, v));
    else this.writeWhole(service, key, merged, (v) => this.editor.addPair(service.map, key, v));
  }

  /**
   * Sets `deploy.placement.constraints` (or another path under a key of the service): each mapping on
   * the way that the service writes itself is edited in place, key by key; one that comes from an
   * anchor or a merge key stays as it is and the service gets its own copy with the new value.
   */
  setNested(service: ServiceModel, path: string[], value: Plain): void {
    const [key, ...rest] = path as [string, ...string[]];
    const earlier = this.wholeValues.get(service)?.get(key);
    if (earlier) {
      this.writeWhole(service, key, rest.length === 0 ? value : withPath(earlier.value, rest, value), earlier.write);
      return;
    }
    const entry = this.entry(service, key);
    if (rest.length > 0 && isOwn(entry) && isMap(entry.value)) {
      this.setIn(entry.value, rest, value, service.data[key]);
      return;
    }
    this.setKey(service, key, rest.length === 0 ? value : withPath(service.data[key], rest, value));
  }

  /**
   * Replaces a scalar the service writes itself (an own entry's value, a list item, a key) with
   * a new value, its tag and anchor kept unless `withTag`.
   */
  replaceScalar(node: Scalar, value: Plain, how: { withTag?: boolean } = {}): void {
    if (!how.withTag) {
      this.editor.replaceWithFlow(node, value);
      return;
    }
    // The tag goes too (`!!str 3000` read as a string again otherwise).
    this.editor.splice(nodeStart(this.model.parsed.source, node), node.range![1], flow(value));
  }

  /**
   * Copies text the file writes elsewhere into the service, moved and reindented but as written
   * (an inlined `extends`: the base's keys as the base writes them), which no `Plain` value could
   * render as it was. Protected as every edit is: the service's body must be its own, each list or
   * mapping copied into must be the service's and not an anchor others use, and every splice must
   * lie inside the service; each also passes the shared-anchor guard.
   */
  copyInto(service: ServiceModel, copies: readonly CopiedText[]): void {
    this.assertOwnBody(service);
    const source = this.model.parsed.source;
    const first = keyStart(source, service.pair);
    const last = blockEnd(source, service.map);
    for (const copy of copies) {
      if (!isPair(copy.into)) this.shared.assertNotShared(service, copy.key, copy.into);
      if (copy.start < first || copy.end > last || copy.end < copy.start) {
        throw new StackmodError(
          "INTERNAL",
          `internal: text copied into service "${service.name}" at offsets ${copy.start}-${copy.end}, outside it`,
          service.position,
        );
      }
    }
    for (const copy of copies) this.editor.splice(copy.start, copy.end, copy.text);
  }

  /**
   * Replaces `from` by `to` inside one scalar the service writes itself (a reference in its
   * environment or command), in the scalar's own text. False, changing nothing, when the text
   * is not written literally there (escapes, interpolation) or the scalar is shared by an anchor.
   */
  replaceInScalar(service: ServiceModel, node: Node, from: string, to: string): boolean {
    this.assertOwnBody(service);
    const range = node.range;
    if (!range || this.shared.isShared(node)) return false;
    const text = this.model.parsed.source.text.slice(range[0], range[1]);
    const value = String((node as Scalar).value);
    const count = (haystack: string) => haystack.split(from).length - 1;
    if (count(text) === 0 || count(text) !== count(value)) return false;
    let at = text.indexOf(from);
    while (at !== -1) {
      this.editor.splice(range[0] + at, range[0] + at + from.length, to);
      at = text.indexOf(from, at + from.length);
    }
    return true;
  }

  /**
   * Removes the labels whose key matches from `deploy.labels` (or `labels` when
   * `inDeploy` is false), in list (`k=v`) or map form. Returns false, changing
   * nothing, when the labels are not written locally (they come from an anchor).
   */
  removeLabels(service: ServiceModel, inDeploy: boolean, matches: (key: string) => boolean): boolean {
    const { resolver } = this.model;
    const deploy = inDeploy ? resolver.get(service.map, "deploy") : undefined;
    if (inDeploy && !(isOwn(deploy) && isMap(deploy.value))) return false;
    const owner = inDeploy ? (deploy!.value as YAMLMap) : service.map;
    const labels = resolver.get(owner, "labels");
    if (!isOwn(labels)) return false;
    const collection = labels.value;
    const keyOf = (item: unknown): string =>
      isPair(item) ? String((item.key as Scalar).value) : String((item as Scalar).value ?? "").split("=")[0]!;
    if (!isSeq(collection) && !isMap(collection)) return false;
    const gone = (collection.items as unknown[]).filter((item) => matches(keyOf(item)));
    if (gone.length === collection.items.length) this.editor.remove(owner, labels.pair);
    else for (const item of gone) this.editor.remove(collection, item as Node);
    return true;
  }

  // The service's networks.

  /** Takes the matching attachments off a service's `networks:` (those an earlier fix took off stay off). */
  detach(service: ServiceModel, leaving: (a: Attachment) => boolean): void {
    const entry = service.networks;
    const done = this.detached.get(service) ?? new Set<Attachment>();
    const present = service.attachments.filter((a) => !done.has(a));
    const gone = present.filter(leaving);
    if (!entry || gone.length === 0) return;
    this.assertOwnBody(service);
    for (const attachment of gone) this.plan(service.name).off.add(attachment.key);
    for (const attachment of gone) done.add(attachment);
    this.detached.set(service, done);
    const stays = present.filter((a) => !gone.includes(a));
    if (gone.some(isHost) && !stays.some(isHost) && service.networkMode?.value !== "host") this.leavingHost(service);
    const collection = entry.value;
    if (gone.length === present.length) {
      this.removeKey(service, "networks");
      return;
    }
    if (isOwn(entry) && (isSeq(collection) || isMap(collection))) {
      this.shared.assertNotShared(service, "networks", collection);
      for (const attachment of gone) this.editor.remove(collection, attachment.item as Node);
      return;
    }
    const goneKeys = new Set([...done].map((a) => a.key));
    const data = service.data.networks as Plain;
    const remaining: Plain = Array.isArray(data)
      ? data.filter((key) => !goneKeys.has(String(key)))
      : Object.fromEntries(Object.entries(data as Record<string, Plain>).filter(([key]) => !goneKeys.has(key)));
    this.override(service, "networks", remaining);
  }

  /** Adds `key` to the service's networks, list or map, in the form the file uses. */
  attach(service: ServiceModel, key: string): void {
    this.plan(service.name).on.add(key);
    const entry = service.networks;
    if (!entry || isSeq(entry.value)) {
      this.appendToList(service, "networks", [key]);
      return;
    }
    if (isOwn(entry) && isMap(entry.value)) {
      this.editor.addPair(entry.value, key, {});
      return;
    }
    this.override(service, "networks", { ...((service.data.networks ?? {}) as Record<string, Plain>), [key]: {} });
  }

  /**
   * Puts the service on `key` where it was on `replaced[0]`: the same list item or map key,
   * renamed, so its place, comment and settings stay; the other attachments in `replaced` go.
   */
  replaceAttachment(service: ServiceModel, replaced: Attachment[], key: string): void {
    const [first, ...others] = replaced;
    if (!first) return;
    const shape = this.plan(service.name);
    for (const gone of replaced) shape.off.add(gone.key);
    shape.on.add(key);
    if (service.attachments.some((a) => a.key === key)) {
      this.detach(service, (a) => replaced.includes(a));
      return;
    }
    const entry = service.networks!;
    const collection = entry.value;
    if (isOwn(entry) && (isSeq(collection) || isMap(collection))) {
      this.replaceScalar((isPair(first.item) ? first.item.key : first.item) as Scalar, key);
      for (const other of others) this.editor.remove(collection, other.item as Node);
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
    this.override(service, "networks", renamed);
  }

  /**
   * Leaves only `keep` in the service's networks, each with `alias` among its aliases, so that
   * other services still reach it by that name. Written in place item by item (a list becomes
   * a mapping), so that a `none` item another fix removes and the comments between items stay.
   */
  keepNetworksWithAlias(service: ServiceModel, keep: Attachment[], alias: string): void {
    const entry = service.networks;
    const collection = entry?.value;
    if (entry && keep.length === 0) {
      // Only the host network (and none) was there: the service is left on the default network.
      this.removeKey(service, "networks");
      return;
    }
    if (!isOwn(entry) || !(isSeq(collection) || isMap(collection))) {
      this.setKey(service, "networks", networksWithAlias(service, keep, alias));
      return;
    }
    const { editor } = this;
    const kept = new Set(keep);
    // `none` is removed by its own fix, which runs before any strategy.
    for (const attachment of service.attachments) {
      if (!kept.has(attachment) && attachment.network?.special !== "none") editor.remove(collection, attachment.item);
    }
    const wanted = networksWithAlias(service, keep, alias);
    if (isSeq(collection)) {
      this.seqToMap(entry!.pair, collection, keep, wanted);
      return;
    }
    for (const attachment of keep) {
      const pair = attachment.item as Pair;
      const config = pair.value as Node | null;
      const aliases = isMap(config) ? this.model.resolver.get(config, "aliases") : undefined;
      if (isMap(config) && !aliases) editor.addPair(config, "aliases", [alias]);
      else if (isMap(config) && isOwn(aliases) && isSeq(aliases.value)) {
        if (!aliases.value.items.some((item) => isScalar(item) && String(item.value) === alias))
          editor.append(aliases.value, [alias]);
      } else editor.replacePair(collection, pair, attachment.key, wanted[attachment.key]!);
    }
  }

  // The services of the file.

  /** Renames the service's key; its body, comments and anchors stay where they are. */
  renameService(service: ServiceModel, name: string): void {
    this.replaceScalar(service.pair.key as Scalar, name);
    this.renamed.set(name, service.name);
  }

  /**
   * Points other services at a renamed one: `depends_on` (Compose refuses a dangling one) and
   * `links` (`NAME` and `NAME:ALIAS`; the link keeps the old name as its alias, so the linking
   * service still finds it by that name).
   */
  renameReferences(from: string, to: string): void {
    const dependency = (name: string) => (name === from ? to : undefined);
    this.renameEntries("depends_on", dependency);
    this.renameEntries("links", (link) => {
      const [name, alias] = link.split(":");
      return name === from ? `${to}:${alias ?? from}` : undefined;
    });
    // A service this run added earlier (an earlier split's collector) follows the rename in its `depends_on`, as
    // its original did: Compose refuses a dependency on a service that is not there.
    for (const group of this.added) {
      const services = group.services.map(([name, body]): [string, Plain] => [
        name,
        renamedIn(body, "depends_on", dependency),
      ]);
      if (services.every(([, body], index) => body === group.services[index]![1])) continue;
      group.services = services;
      group.edits = this.editor.redo(group.edits, () => this.writeServices(group.after, services));
    }
  }

  /**
   * Writes `app: {}` for a service whose body is empty (`app:` with nothing under it): an override file's share
   * of a service whose every key the layered rewrite took away. docker stack refuses a null service ("services.app
   * must be a mapping") and docker-compose an override whose `services:` is left empty; both read `{}` as nothing.
   */
  emptyServiceBody(name: string): void {
    const parent = this.model.servicesEntry?.value;
    const entry = isMap(parent) ? this.model.resolver.get(parent, name) : undefined;
    const value = entry?.value;
    if (!isMap(parent) || !entry?.local || !isScalar(value) || value.value !== null) {
      throw new Error(`internal: service "${name}" is not an empty service of this file`);
    }
    this.editor.replacePair(parent, entry.pair, name, {});
  }

  /**
   * Adds new services right after `after`, in the file's style; their names must be free. Their `depends_on`
   * names the services this run renamed by their new names (and follows a later rename, see `renameReferences`).
   */
  addServices(after: ServiceModel, services: [string, Plain][]): void {
    for (const [name] of services) this.claimServiceName(name, after);
    const renamed = services.map(([name, body]): [string, Plain] => [
      name,
      renamedIn(body, "depends_on", (entry) => this.newName(entry)),
    ]);
    for (const [name, body] of renamed) this.planned.set(name, shapeOfBody(body as Record<string, Plain>));
    this.insertServices(after, renamed);
  }

  /** The name this run gave a service it renamed, or undefined. */
  private newName(old: string): string | undefined {
    for (const [name, was] of this.renamed) if (was === old) return name;
    return undefined;
  }

  private insertServices(after: ServiceModel, services: [string, Plain][]): void {
    const edits = this.editor.redo([], () => this.writeServices(after, services));
    this.added.push({ after, services, edits });
  }

  private writeServices(after: ServiceModel, services: [string, Plain][]): void {
    const parent = this.model.servicesEntry?.value;
    this.editor.addPairsAfter(isMap(parent) ? parent : undefined, after.pair, services);
  }

  claimServiceName(name: string, near: ServiceModel): void {
    if (this.serviceNames.has(name) || this.model.networks.has(name)) {
      throw new StackmodError(
        "NAME_COLLISION",
        `stackmod would add a service "${name}" for "${near.name}", but that name is already used in this file;` +
          ` rename the existing one or set another strategy for "${near.name}"`,
        near.position,
      );
    }
    this.serviceNames.add(name);
  }

  /** Who publishes or listens on a host port already (a service of the file, or one a strategy added), if anyone. */
  hostPortOwner(port: number, protocol: PortProtocol): string | undefined {
    const key = `${port}/${protocol}`;
    return this.publishedPorts.get(key) ?? this.hostListens.get(key);
  }

  /** Reserves a published port for `service`; a port already published in the stack is an error. */
  claimPublishedPort(port: number, protocol: PortProtocol, service: ServiceModel): void {
    const key = `${port}/${protocol}`;
    const how = `choose another with \`ports: ["PUBLISHED:TARGET/${protocol}"]\` in x-stackmod`;
    const listener = this.hostListens.get(key);
    if (listener !== undefined) {
      throw new StackmodError(
        "PORT_COLLISION",
        `stackmod would publish ${key} for "${service.name}", but "${listener}" listens on that host port; ${how}`,
        service.position,
      );
    }
    const owner = this.publishedPorts.get(key);
    if (owner !== undefined) {
      throw new StackmodError(
        "PORT_COLLISION",
        `stackmod would publish ${key} for "${service.name}", but "${owner}" already publishes it; ${how}`,
        service.position,
      );
    }
    this.publishedPorts.set(key, service.name);
  }

  /**
   * Frees the host ports that these `ports:` entries of the service publish, for entries the run
   * rewrites or removes: the service may claim them again (its `"53:53/udp"` becoming a mode-host
   * 53/udp), where a port another entry or service still publishes stays taken.
   */
  releasePublishedPorts(service: ServiceModel, gone: readonly PortEntry[]): void {
    const stays = service.ports.filter((port) => !gone.includes(port));
    for (const port of gone) {
      if (port.published === undefined) continue;
      const key = `${port.published}/${port.protocol}`;
      const still = stays.some((p) => p.published === port.published && p.protocol === port.protocol);
      if (!still && this.publishedPorts.get(key) === service.name) this.publishedPorts.delete(key);
    }
  }

  /**
   * Reserves a host port that `listener` (on the host network) binds for `service`: a port
   * another service publishes, or something else on the host network listens on, would be
   * bound twice on a node, and one of the two would fail.
   */
  claimHostListen(port: number, protocol: PortProtocol, listener: string, service: ServiceModel): void {
    const key = `${port}/${protocol}`;
    const owner = this.publishedPorts.get(key) ?? this.hostListens.get(key);
    if (owner !== undefined && owner !== listener) {
      const how = this.publishedPorts.has(key) ? "publishes" : "listens on";
      throw new StackmodError(
        "PORT_COLLISION",
        `"${listener}" would listen on host port ${key} for "${service.name}", but "${owner}" already ${how} it,` +
          ` and a port cannot be bound twice on a node; publish the other one elsewhere,` +
          ` or give "${service.name}" another strategy`,
        service.position,
      );
    }
    this.hostListens.set(key, listener);
  }

  /** The planned shape of a service the run rewrites (what its edits state about it). */
  plan(name: string): PlannedShape {
    const shape = this.planned.get(name) ?? emptyShape();
    this.planned.set(name, shape);
    return shape;
  }

  /**
   * A service that leaves the host network publishes the ports it lists (on the host
   * network the engine discards them): one that another service publishes too, often
   * through a shared anchor (`ports: &p` / `ports: *p`), would be bound twice.
   */
  leavingHost(service: ServiceModel): void {
    if (this.leftHost.has(service)) return;
    this.leftHost.add(service);
    for (const port of service.ports) {
      if (port.published === undefined) continue;
      const key = `${port.published}/${port.protocol}`;
      const other = this.model.services.find(
        (s) =>
          s !== service &&
          (!hostNetworked(s) || this.leftHost.has(s)) &&
          s.ports.some((p) => p.published === port.published && p.protocol === port.protocol),
      );
      if (!other) continue;
      const alias = [service, other].map((s) => s.portsEntry?.pair.value).find((v) => isAlias(v));
      const at = isAlias(alias) ? this.model.positionOf(alias) : undefined;
      const shared = isAlias(alias)
        ? ` (the ports: list anchored &${alias.source} and used at ${at!.line}:${at!.column} through *${alias.source})`
        : "";
      throw new StackmodError(
        "PORT_COLLISION",
        `"${service.name}" leaves the host network, so the ports: it lists are published, and ${key} is published` +
          ` by "${other.name}" too${shared}: a port cannot be bound twice; give one of them another published port` +
          ` (a ports: list of its own), or another strategy for "${service.name}"`,
        port.position,
      );
    }
  }

  /** Declares `section.key` at the top level (`networks:`, `volumes:`, `secrets:`) unless the file already does. */
  declare(section: "networks" | "volumes" | "secrets", key: string, body: Plain): void {
    this.topLevel.declare(section, key, body);
  }

  private entry(service: ServiceModel, key: string) {
    return this.model.resolver.get(service.map, key);
  }

  /** The service's own list `key`, which holds `item`; an item of a list it does not write is a caller's bug. */
  private ownList(service: ServiceModel, key: string, item: Node): YAMLSeq {
    this.assertOwnBody(service);
    const entry = this.entry(service, key);
    if (!isOwn(entry) || !isSeq(entry.value) || !entry.value.items.includes(item)) {
      throw new Error(`internal: an item edited in place is not in the own \`${key}:\` list of "${service.name}"`);
    }
    this.shared.assertNotShared(service, key, entry.value);
    return entry.value;
  }

  /** Ports the service publishes afterwards, as written by an edit: verify reads them back. */
  private planPublishes(service: ServiceModel, values: Plain[]): void {
    const shape = this.plan(service.name);
    for (const port of shapeOfBody({ ports: values }).published ?? []) shape.publishes.add(port);
  }

  /** The service's own value for `key` where it is not: an alias replaced, a merged-in key shadowed. */
  private override(service: ServiceModel, key: string, value: Plain): void {
    const entry = this.entry(service, key);
    if (entry?.local && entry.viaAlias) {
      this.editor.replaceWithFlow(entry.pair.value as Node, value);
      return;
    }
    this.editor.addPair(service.map, key, value);
  }

  private setIn(map: YAMLMap, path: string[], value: Plain, resolved: unknown): void {
    const [key, ...rest] = path as [string, ...string[]];
    const entry = this.model.resolver.get(map, key);
    const below = isTree(resolved) ? resolved[key] : undefined;
    if (rest.length > 0 && isOwn(entry) && isMap(entry.value)) {
      this.setIn(entry.value, rest, value, below);
      return;
    }
    this.writeKey(map, key, rest.length === 0 ? value : withPath(below, rest, value), { nested: true });
  }

  /**
   * `key: value` in `map`: under a key written without a value, in place of its pair, or added; added
   * `nested` inside a service's key, where a second addition merges into the first (`addNested`).
   */
  private writeKey(map: YAMLMap, key: string, value: Plain, how: { nested?: boolean } = {}): void {
    const entry = this.model.resolver.get(map, key);
    if (isOwn(entry) && isEmptyValue(entry.pair) && isFilled(value)) this.editor.fillEmpty(map, entry.pair, value);
    else if (entry?.local) this.editor.replacePair(map, entry.pair, key, value);
    else if (how.nested) this.addNested(map, key, value);
    else this.editor.addPair(map, key, value);
  }

  /**
   * Writes `value` for the service's `key` with `write`, taking back what an earlier edit of this run
   * wrote whole for it: a second addition to a key the run created (a fix's `deploy.restart_policy`,
   * then a placement) extends the one key instead of writing a second one.
   */
  private writeWhole(service: ServiceModel, key: string, value: Plain, write: (value: Plain) => void): void {
    const byKey = this.wholeValues.get(service) ?? new Map<string, WholeValue>();
    this.wholeValues.set(service, byKey);
    const earlier = byKey.get(key);
    const edits = this.editor.redo(earlier?.edits ?? [], () => write(value));
    byKey.set(key, { value, edits, write });
  }

  /**
   * Adds `key: value` to a mapping inside a service's key (`placement:` under its own `deploy:`) that
   * does not write `key`. A second addition of the key to the same mapping (a restart policy fix and
   * split's placement, both under `deploy:`) merges into the first one's text: one key, not two.
   */
  private addNested(map: YAMLMap, key: string, value: Plain): void {
    const byKey = this.nestedAdditions.get(map) ?? new Map<string, NestedAddition>();
    this.nestedAdditions.set(map, byKey);
    const earlier = byKey.get(key);
    const merged = earlier && isTree(value) ? mergePlain(earlier.value, value) : value;
    const edits = this.editor.redo(earlier?.edits ?? [], () => this.editor.addPair(map, key, merged));
    byKey.set(key, { value: merged, edits });
  }

  private mergeInto(map: YAMLMap, tree: Tree, resolved: unknown): void {
    for (const [key, value] of Object.entries(tree)) {
      const entry = this.model.resolver.get(map, key);
      if (!entry) {
        this.addNested(map, key, value);
      } else if (isOwn(entry) && isMap(entry.value) && isTree(value)) {
        this.mergeInto(entry.value, value, isTree(resolved) ? resolved[key] : undefined);
      } else if (isTree(value)) {
        // From an anchor or a merge key: the whole key is overridden here, the anchor stays as it is.
        const merged = mergePlain((isTree(resolved) ? resolved[key] : null) as Plain, value);
        if (entry.local) this.editor.replaceWithFlow(entry.pair.value as Node, merged);
        else this.addNested(map, key, merged);
      }
    }
  }

  /** A list of networks written as a mapping, item by item: `[a, b]` becomes `{a: ..., b: ...}`. */
  private seqToMap(pair: Pair, seq: YAMLSeq, keep: Attachment[], wanted: Tree): void {
    const { editor } = this;
    const source = this.model.parsed.source;
    // `!!seq` on what becomes a mapping would not read back.
    editor.dropTag(seq);
    if (seq.flow === true) {
      const [open, close] = seq.range!;
      editor.splice(open, open + 1, "{");
      editor.splice(close - 1, close, "}");
      for (const attachment of keep) {
        const node = attachment.item as Node;
        // From its tag and anchor on: `!!merge backend` as a key would be a merge key.
        const entryText = flow({ [attachment.key]: wanted[attachment.key]! }).slice(1, -1);
        editor.splice(nodeStart(source, node), node.range![1], entryText);
      }
      return;
    }
    for (const attachment of keep) {
      const node = attachment.item as Node;
      const dash = dashOffset(source, node) ?? node.range![0];
      // A list written at its key's column (`networks:` / `- backend`) is legal YAML, a mapping there is not:
      // its entries would be the key's siblings, and the key would be left empty.
      const keyColumn = source.indentAt(keyStart(source, pair));
      const dashColumn = source.indentAt(dash);
      const column = dashColumn > keyColumn ? dashColumn : keyColumn + editor.style.indent;
      editor.replaceItemByEntry(node, attachment.key, wanted[attachment.key]!, column);
    }
  }

  /** Renames the entries of `key` (a list, or a map's keys) in every service, where `rename` gives a new one. */
  private renameEntries(key: string, rename: (entry: string) => string | undefined): void {
    for (const other of this.model.services) {
      const entry = this.entry(other, key);
      const data = other.data[key] as Plain;
      if (!entry || ![...namesIn(data)].some((name) => rename(name) !== undefined)) continue;
      this.followed.set(other.name, new Set([...(this.followed.get(other.name) ?? []), key]));
      const collection = entry.value;
      if (!isOwn(entry) || !(isSeq(collection) || isMap(collection))) {
        const renamed = Array.isArray(data)
          ? data.map((item) => rename(String(item)) ?? item)
          : Object.fromEntries(Object.entries(data as Record<string, Plain>).map(([k, v]) => [rename(k) ?? k, v]));
        this.override(other, key, renamed);
        continue;
      }
      const items = isSeq(collection) ? collection.items : collection.items.map((pair) => pair.key);
      for (const item of items) {
        const renamed = isScalar(item) ? rename(String(item.value)) : undefined;
        if (renamed !== undefined) this.replaceScalar(item as Scalar, renamed);
      }
    }
  }
}

/**
 * The body with the entries of `key` (a list, or a mapping's keys: `depends_on`, `links`) renamed where `rename`
 * gives a new name; the same body when none is.
 */
function renamedIn(body: Plain, key: string, rename: (entry: string) => string | undefined): Plain {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return body;
  const value = body[key];
  if (Array.isArray(value)) {
    if (!value.some((entry) => rename(String(entry)) !== undefined)) return body;
    return { ...body, [key]: value.map((entry) => rename(String(entry)) ?? entry) };
  }
  if (value === null || typeof value !== "object") return body;
  if (!Object.keys(value).some((entry) => rename(entry) !== undefined)) return body;
  const entries = Object.entries(value).map(([entry, config]): [string, Plain] => [rename(entry) ?? entry, config]);
  return { ...body, [key]: Object.fromEntries(entries) };
}

/** A key this run added to a mapping inside a service's key: the value written, and the edits that wrote it. */
interface NestedAddition {
  value: Plain;
  edits: readonly TextEdit[];
}

/** A value this run wrote whole for a key, the edits that wrote it, and how to write it again. */
interface WholeValue {
  value: Plain;
  edits: readonly TextEdit[];
  write: (value: Plain) => void;
}

/** A key written with nothing after its colon (`deploy:`, `deploy: # later`): no tag, no anchor, not `~`. */
function isEmptyValue(pair: Pair): boolean {
  const value = pair.value;
  if (!isScalar(value) || value.value !== null || value.tag || value.anchor || !value.range) return false;
  return value.range[0] === value.range[1];
}

/** A list or mapping with something in it: what can be written as lines under a key. */
function isFilled(value: Plain): value is Plain[] | Tree {
  if (Array.isArray(value)) return value.length > 0;
  return isTree(value) && Object.keys(value).length > 0;
}

/** The names a list (`A=b`, `A`) or a map sets: environment variables, `depends_on` services, `links`. */
export function namesIn(value: unknown): Set<string> {
  if (Array.isArray(value)) return new Set(value.map((item) => String(item).split("=")[0]!));
  if (value && typeof value === "object") return new Set(Object.keys(value));
  return new Set();
}

/** An environment with `vars` added, in its own form (a map when it has none). */
export function environmentWith(value: unknown, vars: EnvVar[]): Plain {
  if (Array.isArray(value)) return [...(value as Plain[]), ...vars.map(([k, v]) => `${k}=${v}`)];
  return { ...(isTree(value) ? (value as Record<string, Plain>) : {}), ...Object.fromEntries(vars) };
}

function networksWithAlias(service: ServiceModel, keep: Attachment[], alias: string): Record<string, Plain> {
  const data = service.data.networks;
  const configs = !Array.isArray(data) && data && typeof data === "object" ? (data as Record<string, Plain>) : {};
  const networks: Record<string, Plain> = {};
  for (const attachment of keep) {
    const config = (configs[attachment.key] ?? {}) as Record<string, Plain>;
    const aliases = Array.isArray(config.aliases) ? config.aliases.map(String) : [];
    networks[attachment.key] = { ...config, aliases: [...new Set([...aliases, alias])] };
  }
  return networks;
}

/** `base` (a resolved mapping, or nothing) with `value` at `path`. */
function withPath(base: unknown, path: string[], value: Plain): Plain {
  const [key, ...rest] = path as [string, ...string[]];
  const copy: Tree = isTree(base) ? { ...base } : {};
  copy[key] = rest.length === 0 ? value : withPath(copy[key], rest, value);
  return copy;
}

function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function mergePlain(base: Plain, over: Tree): Plain {
  if (!isTree(base)) return over;
  const result: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = result[key];
    result[key] = isTree(before) && isTree(value) ? (mergePlain(before, value) as Plain) : value;
  }
  return result;
}
