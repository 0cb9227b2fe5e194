import { isAlias, isMap, isPair, isSeq, type Node, type Scalar, type YAMLMap } from "yaml";
import { StackmodError } from "../errors.js";
import { hostNetworked, type Attachment, type ServiceModel, type StackModel } from "../model/types.js";
import { emptyShape, shapeOfBody, type PlannedShape } from "./planned-shape.js";
import { SharedNodes } from "./shared-nodes.js";
import { TopLevelDeclarations } from "./top-level.js";
import type { YamlEditor } from "./yaml-editor.js";
import type { Plain } from "./render.js";

/**
 * Service-level edits on top of the YAML editor. Where a value is written locally
 * it is edited in place; where it comes from an anchor (`*x`) or a merge key
 * (`<<: *x`), the service gets a local override and the anchor stays untouched
 * for its other users.
 */
const isHost = (a: Attachment) => a.network?.special === "host";

export class ServiceEdits {
  private readonly serviceNames: Set<string>;
  private readonly publishedPorts = new Map<string, string>();
  /** Host ports something on the host network listens on (a generated proxy, a service that stays there). */
  private readonly hostListens = new Map<string, string>();
  /** Attachments already taken off each service, so that a second detach (a fix, then a strategy) knows. */
  private readonly detached = new WeakMap<ServiceModel, Set<Attachment>>();
  /** Anchors that some alias refers to: a node carrying one is shared, not the service's own. */
  private readonly aliasedAnchors = new Set<string>();
  /** Services this run takes off the host network. */
  private readonly leftHost = new Set<ServiceModel>();

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

  /** Top-level `networks:`, `volumes:`, `secrets:` the run adds, written once by `finish()`. */
  readonly topLevel: TopLevelDeclarations;

  constructor(
    readonly model: StackModel,
    readonly editor: YamlEditor,
  ) {
    this.topLevel = new TopLevelDeclarations(model, editor);
    // Every edit, through these methods or spliced by a strategy, passes this one check.
    const shared = new SharedNodes(model);
    editor.edits.guard = (start, end) => shared.check(start, end);
    this.serviceNames = new Set(model.services.map((s) => s.name));
    for (const alias of model.parsed.aliases.keys()) this.aliasedAnchors.add(alias.source);
    for (const service of model.services) {
      for (const port of service.ports) {
        if (port.published !== undefined) this.publishedPorts.set(`${port.published}/${port.protocol}`, service.name);
      }
    }
  }

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
    if (entry.local && !entry.viaAlias && (isSeq(collection) || isMap(collection))) {
      this.assertNotShared(service, "networks", collection);
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

  /** Appends values to a list key of the service (`ports:`, `extra_hosts:`), creating it when absent. */
  appendToList(service: ServiceModel, key: string, values: Plain[]): void {
    this.assertOwnBody(service);
    if (key === "ports") {
      const shape = this.plan(service.name);
      for (const port of shapeOfBody({ ports: values }).published ?? []) shape.publishes.add(port);
    }
    const entry = this.entry(service, key);
    if (!entry) {
      this.editor.addPair(service.map, key, values);
      return;
    }
    if (entry.local && !entry.viaAlias && isSeq(entry.value)) {
      this.assertNotShared(service, key, entry.value);
      this.editor.append(entry.value, values);
      return;
    }
    const existing = (service.data[key] as Plain[] | undefined) ?? [];
    this.override(service, key, [...existing, ...values]);
  }

  /** Replaces a list key of the service with new values (written in place, or as a local override). */
  replaceList(service: ServiceModel, key: string, values: Plain[]): void {
    this.assertOwnBody(service);
    const entry = this.entry(service, key);
    if (entry?.local && !entry.viaAlias) {
      if (entry.value) this.assertNotShared(service, key, entry.value);
      this.editor.replacePair(service.map, entry.pair, key, values);
      return;
    }
    this.override(service, key, values);
  }

  /**
   * Replaces `from` by `to` inside one scalar the service writes itself (a reference in its
   * environment or command), in the scalar's own text. False, changing nothing, when the text
   * is not written literally there (escapes, interpolation) or the scalar is shared by an anchor.
   */
  replaceInScalar(service: ServiceModel, node: Node, from: string, to: string): boolean {
    this.assertOwnBody(service);
    const anchor = (node as { anchor?: string }).anchor;
    const range = node.range;
    if (!range || (anchor && this.aliasedAnchors.has(anchor))) return false;
    const text = this.model.parsed.source.text.slice(range[0], range[1]);
    const value = String((node as Scalar).value);
    const count = (haystack: string) => haystack.split(from).length - 1;
    if (count(text) === 0 || count(text) !== count(value)) return false;
    let at = text.indexOf(from);
    while (at !== -1) {
      this.editor.edits.add(range[0] + at, range[0] + at + from.length, to);
      at = text.indexOf(from, at + from.length);
    }
    return true;
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
    if (entry.local && !entry.viaAlias) {
      this.assertNotShared(service, key, entry.value);
      for (const item of items) this.editor.remove(entry.value, item);
      return;
    }
    const indexes = new Set(items.map((item) => (entry.value as { items: unknown[] }).items.indexOf(item)));
    const kept = ((service.data[key] as Plain[]) ?? []).filter((_, index) => !indexes.has(index));
    this.override(service, key, kept);
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
      if (entry.value) this.assertNotShared(service, key, entry.value);
      this.editor.replacePair(service.map, entry.pair, key, empty);
      return;
    }
    if (key === "network_mode") {
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service.name}" gets \`network_mode\` through a merge key; move it out of the shared anchor so that stackmod can remove it`,
        service.position,
      );
    }
    this.editor.addPair(service.map, key, empty);
  }

  /**
   * Removes the labels whose key matches from `deploy.labels` (or `labels` when
   * `inDeploy` is false), in list (`k=v`) or map form. Returns false, changing
   * nothing, when the labels are not written locally (they come from an anchor).
   */
  removeLabels(service: ServiceModel, inDeploy: boolean, matches: (key: string) => boolean): boolean {
    const { resolver } = this.model;
    const deploy = inDeploy ? resolver.get(service.map, "deploy") : undefined;
    if (inDeploy && !(deploy?.local && !deploy.viaAlias && isMap(deploy.value))) return false;
    const owner = inDeploy ? (deploy!.value as YAMLMap) : service.map;
    const labels = resolver.get(owner, "labels");
    if (!labels?.local || labels.viaAlias) return false;
    const collection = labels.value;
    const keyOf = (item: unknown): string =>
      isPair(item) ? String((item.key as Scalar).value) : String((item as Scalar).value ?? "").split("=")[0]!;
    if (!isSeq(collection) && !isMap(collection)) return false;
    const gone = (collection.items as unknown[]).filter((item) => matches(keyOf(item)));
    if (gone.length === collection.items.length) this.editor.remove(owner, labels.pair);
    else for (const item of gone) this.editor.remove(collection, item as Node);
    return true;
  }

  /** Adds new services right after `after`, in the file's style; their names must be free. */
  addServices(after: ServiceModel, services: [string, Plain][]): void {
    for (const [name] of services) this.claimServiceName(name, after);
    for (const [name, body] of services) this.planned.set(name, shapeOfBody(body as Record<string, Plain>));
    const parent = this.model.servicesEntry?.value;
    this.editor.addPairsAfter(isMap(parent) ? parent : undefined, after.pair, services);
  }

  claimServiceName(name: string, near: ServiceModel): void {
    if (this.serviceNames.has(name) || this.model.networks.has(name)) {
      throw new StackmodError(
        "NAME_COLLISION",
        `stackmod would add a service "${name}" for "${near.name}", but that name is already used in this file; rename the existing one or set another strategy for "${near.name}"`,
        near.position,
      );
    }
    this.serviceNames.add(name);
  }

  /** Who publishes or listens on a host port already (a service of the file, or one a strategy added), if anyone. */
  hostPortOwner(port: number, protocol: "tcp" | "udp"): string | undefined {
    const key = `${port}/${protocol}`;
    return this.publishedPorts.get(key) ?? this.hostListens.get(key);
  }

  /** Reserves a published port for `service`; a port already published in the stack is an error. */
  claimPublishedPort(port: number, protocol: "tcp" | "udp", service: ServiceModel): void {
    const key = `${port}/${protocol}`;
    const listener = this.hostListens.get(key);
    if (listener !== undefined) {
      throw new StackmodError(
        "PORT_COLLISION",
        `stackmod would publish ${key} for "${service.name}", but "${listener}" listens on that host port; choose another with \`ports: ["PUBLISHED:TARGET/${protocol}"]\` in x-stackmod`,
        service.position,
      );
    }
    const owner = this.publishedPorts.get(key);
    if (owner !== undefined) {
      throw new StackmodError(
        "PORT_COLLISION",
        `stackmod would publish ${key} for "${service.name}", but "${owner}" already publishes it; choose another with \`ports: ["PUBLISHED:TARGET/${protocol}"]\` in x-stackmod`,
        service.position,
      );
    }
    this.publishedPorts.set(key, service.name);
  }

  /**
   * Reserves a host port that `listener` (on the host network) binds for `service`: a port
   * another service publishes, or something else on the host network listens on, would be
   * bound twice on a node, and one of the two would fail.
   */
  claimHostListen(port: number, protocol: "tcp" | "udp", listener: string, service: ServiceModel): void {
    const key = `${port}/${protocol}`;
    const owner = this.publishedPorts.get(key) ?? this.hostListens.get(key);
    if (owner !== undefined && owner !== listener) {
      const how = this.publishedPorts.has(key) ? "publishes" : "listens on";
      throw new StackmodError(
        "PORT_COLLISION",
        `"${listener}" would listen on host port ${key} for "${service.name}", but "${owner}" already ${how} it, and a port cannot be bound twice on a node; publish the other one elsewhere, or give "${service.name}" another strategy`,
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
    const source = this.model.parsed.source;
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
      const shared = isAlias(alias)
        ? ` (the ports: list anchored &${alias.source} and used at ${source.position(alias.range![0]).line}:${source.position(alias.range![0]).column} through *${alias.source})`
        : "";
      throw new StackmodError(
        "PORT_COLLISION",
        `"${service.name}" leaves the host network, so the ports: it lists are published, and ${key} is published by "${other.name}" too${shared}: a port cannot be bound twice; give one of them another published port (a ports: list of its own), or another strategy for "${service.name}"`,
        port.position,
      );
    }
  }

  /** Adds a top-level network declaration, creating `networks:` when the file has none. */
  declareNetwork(key: string, body: Plain): void {
    this.topLevel.declare("networks", key, body);
  }

  /**
   * A service written as `b: *a`, or one whose body other services alias or merge,
   * cannot be changed alone: checked before any strategy or fix touches a service.
   */
  assertOwnBody(service: ServiceModel): void {
    const value = service.pair.value;
    if (isAlias(value)) {
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service.name}" is written as an alias of another service's body (*${value.source}); stackmod cannot change it alone: write it with a merge key instead (\`${service.name}: {<<: *${value.source}}\`) and it gets its own overrides`,
        service.position,
      );
    }
    if (service.map.anchor && this.aliasedAnchors.has(service.map.anchor)) {
      throw new StackmodError(
        "UNSUPPORTED",
        `the body of service "${service.name}" is the anchor &${service.map.anchor}, which other services use; changing it would change them too: move the shared keys to an x- block (x-${service.map.anchor}: &${service.map.anchor}) and merge it with <<`,
        service.position,
      );
    }
  }

  /** A list or mapping written in the service but anchored for others: editing it in place would change them too. */
  private assertNotShared(service: ServiceModel, key: string, node: Node): void {
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor && this.aliasedAnchors.has(anchor)) {
      throw new StackmodError(
        "UNSUPPORTED",
        `\`${key}\` of service "${service.name}" is the anchor &${anchor}, which other services use; changing it would change them too: move it to an x- block (x-${anchor}: &${anchor} ...) and refer to it with *${anchor}`,
        this.model.parsed.source.position(node.range?.[0] ?? 0),
      );
    }
  }

  private entry(service: ServiceModel, key: string) {
    return this.model.resolver.get(service.map, key);
  }

  private override(service: ServiceModel, key: string, value: Plain): void {
    const entry = this.entry(service, key);
    if (entry?.local && entry.viaAlias) {
      this.editor.replaceWithFlow(entry.pair.value as Node, value);
      return;
    }
    this.editor.addPair(service.map, key, value);
  }
}
