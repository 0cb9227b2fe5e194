import { isDeepStrictEqual } from "node:util";
import type { Node } from "yaml";
import { StackmodError, type SourcePosition } from "../errors.js";
import { ServiceEdits } from "../edit/service-edits.js";
import type { Plain } from "../edit/render.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import { isData, networkMap, publishedOf, replacedWhole, type Data } from "../model/merge.js";

/** One file's share of a service: the file's model, and the service as that file writes it. */
interface Writer {
  index: number;
  model: StackModel;
  service: ServiceModel;
}

/**
 * The edits that make the files of a layered stack merge to a service's planned data: each change goes to the file
 * that writes what it changes, and what no file writes goes to the service's home file. docker's merge of `-c`
 * files (docker/cli v28.2.2 cli/compose/loader/merge.go) only adds and replaces: a key, a network or a port an
 * earlier file writes is taken away only in that file, and a list other files add to cannot be replaced by one.
 */
export class LayeredEdits {
  private readonly edits = new Map<number, ServiceEdits>();
  /** Where the service being projected is refused: named in the error when it cannot be. */
  private refusedAt: SourcePosition | undefined;

  /**
   * `compose`: docker-compose keeps every distinct `ports:` item of every file (1.29.2 merge_unique_ports), so a
   * replaced port is also taken out of the earlier files; docker stack keeps the last file's item for each
   * published port.
   */
  constructor(
    private readonly layers: readonly StackModel[],
    private readonly compose: boolean,
  ) {}

  /**
   * The edited texts, one per file; a file without edits keeps its text. A service left with nothing in a file
   * (the override's `app: {network_mode: host}` once that is taken away) is written `app: {}`, read again.
   */
  finish(reload: (index: number, text: string) => StackModel): string[] {
    return this.layers.map((model, index) => {
      const output = this.edits.get(index)?.finish().output;
      if (output === undefined) return model.parsed.source.text;
      const again = reload(index, output);
      const services = (again.parsed.data as { services?: Record<string, unknown> } | null)?.services ?? {};
      // By the name it has now (split renames it in every file); one the input left empty stays as it was.
      const was = (model.parsed.data as { services?: Record<string, unknown> } | null)?.services ?? {};
      const emptied = Object.keys(services).filter((name) => services[name] === null && was[name] !== null);
      if (emptied.length === 0) return output;
      const edits = new ServiceEdits(again);
      for (const name of emptied) edits.emptyServiceBody(name);
      return edits.finish().output;
    });
  }

  /** The files that write the service, in order. */
  writers(name: string): Writer[] {
    return this.layers.flatMap((model, index) => {
      const service = model.services.find((s) => s.name === name);
      return service ? [{ index, model, service }] : [];
    });
  }

  editsOf(writer: { index: number }): ServiceEdits {
    const made = this.edits.get(writer.index) ?? new ServiceEdits(this.layers[writer.index]!);
    this.edits.set(writer.index, made);
    return made;
  }

  /** Makes the files merge to `after` for the service, from `before` (what they merged to). */
  project(name: string, homeIndex: number, before: Data, after: Data, refusedAt: SourcePosition): void {
    this.refusedAt = refusedAt;
    const writers = this.writers(name);
    const home = writers.find((w) => w.index === homeIndex)!;
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (isDeepStrictEqual(before[key], after[key])) continue;
      if (key === "networks") this.networks(name, writers, home, before[key], after[key]);
      else if (key === "ports") this.ports(name, writers, home, before[key], after[key]);
      else if (after[key] === undefined) {
        for (const w of writers.filter((w) => w.service.data[key] !== undefined))
          this.editsOf(w).removeKey(w.service, key);
      } else this.value(name, writers, home, [key], before[key], after[key]);
    }
  }

  /** The files with a service other than `name` whose `depends_on` or `links` names it. */
  referringTo(name: string): number[] {
    const refers = (data: Data) => {
      const depends = data.depends_on;
      const names = Array.isArray(depends) ? depends.map(String) : isData(depends) ? Object.keys(depends) : [];
      const links = Array.isArray(data.links) ? data.links.map((link) => String(link).split(":")[0]) : [];
      return [...names, ...links].includes(name);
    };
    return this.layers.flatMap((model, index) =>
      model.services.some((s) => s.name !== name && refers(s.data)) ? [index] : [],
    );
  }

  private networks(name: string, writers: Writer[], home: Writer, before: unknown, after: unknown): void {
    const was = networkMap(before);
    const now = networkMap(after);
    const added: string[] = [];
    const settled = new Map<string, unknown>();
    const empty = (settings: unknown) =>
      settings === null || settings === undefined || (isData(settings) && !Object.keys(settings).length);
    for (const [key, settings] of now) {
      if (was.has(key) && isDeepStrictEqual(was.get(key) ?? null, settings ?? null)) continue;
      if (was.has(key) || !empty(settings)) settled.set(key, settings);
      else added.push(key);
    }
    const leaving = (w: Writer) => w.service.attachments.filter((a) => was.has(a.key) && !now.has(a.key));
    // A network whose settings change (split's processor keeps the service's name as an alias on it) gets them in
    // the last file that attaches it, which writes its `networks:` whole: docker takes a later file's aliases in
    // place of an earlier one's (merge.go mergeServiceNetworkConfig); a new one with settings goes to the home file.
    const settling = new Map<Writer, Map<string, unknown>>();
    for (const [key, settings] of settled) {
      const target = [...writers].reverse().find((w) => w.service.attachments.some((a) => a.key === key)) ?? home;
      settling.set(target, (settling.get(target) ?? new Map()).set(key, settings));
    }
    // Networks added without settings go with those, into the last of the files that write theirs whole.
    const lastSettling = [...settling.keys()].at(-1);
    for (const key of lastSettling ? added.splice(0) : []) settling.get(lastSettling!)!.set(key, null);
    for (const [w, changes] of settling) {
      const own = networkMap(w.service.data.networks);
      for (const a of leaving(w)) own.delete(a.key);
      for (const [key, settings] of changes) own.set(key, settings);
      const plain = [...own.values()].every(empty);
      this.editsOf(w).setKey(w.service, "networks", (plain ? [...own.keys()] : Object.fromEntries(own)) as Plain);
    }
    // A network that takes the place of one taken away goes where that one stood, in the last file that has one.
    const renaming = [...writers].reverse().find((w) => leaving(w).length > 0 && !settling.has(w));
    for (const w of writers) {
      const gone = leaving(w);
      if (gone.length === 0 || settling.has(w)) continue;
      if (w === renaming && added.length > 0) this.editsOf(w).replaceAttachment(w.service, gone, added.shift()!);
      else this.editsOf(w).detach(w.service, (a) => gone.includes(a));
    }
    const last = renaming ?? [...writers].reverse().find((w) => w.service.networks !== undefined) ?? home;
    for (const key of added) this.editsOf(last).attach(last.service, key);
  }

  private ports(name: string, writers: Writer[], home: Writer, before: unknown, after: unknown): void {
    const keyed = (list: unknown) => new Map((Array.isArray(list) ? list : []).map((p) => [publishedOf(p), p]));
    const was = keyed(before);
    const now = keyed(after);
    const items = (w: Writer) => (w.service.data.ports as unknown[] | undefined) ?? [];
    const plans = new Map(writers.map((w) => [w, { removed: new Set<number>(), replaced: new Map<number, Plain>() }]));
    for (const w of writers) {
      for (const [i, item] of items(w).entries()) if (!now.has(publishedOf(item))) plans.get(w)!.removed.add(i);
    }
    const fresh: Plain[] = [];
    for (const [published, port] of now) {
      if (was.has(published) && isDeepStrictEqual(was.get(published), port)) continue;
      // A later file's item with the same published port replaces the earlier ones: the last one is edited.
      const last = [...writers].reverse().find((w) => items(w).some((item) => publishedOf(item) === published));
      if (!last) {
        fresh.push(port as Plain);
        continue;
      }
      const index = items(last).reduce<number>((found, item, i) => (publishedOf(item) === published ? i : found), -1);
      plans.get(last)!.replaced.set(index, port as Plain);
      for (const w of this.compose ? writers : []) {
        for (const [i, item] of items(w).entries()) {
          if (publishedOf(item) === published && !(w === last && i === index)) plans.get(w)!.removed.add(i);
        }
      }
    }
    // New entries take the place of ones taken away, where they stand (their comments stay): in the home file,
    // else in the last file that loses one; docker merges them by published port from any file.
    const placing = plans.get(home)?.removed.size
      ? home
      : [...writers].reverse().find((w) => plans.get(w)!.removed.size);
    for (const [w, { removed, replaced }] of plans) {
      const edits = this.editsOf(w);
      const node = (i: number) => w.service.ports[i]!.node;
      const gone = [...removed];
      if (w === placing) {
        while (gone.length > 0 && fresh.length > 0) replaced.set(gone.shift()!, fresh.shift()!);
      }
      for (const [i, port] of replaced) edits.replaceListItem(w.service, "ports", node(i), [port]);
      if (gone.length > 0) edits.removeFromList(w.service, "ports", gone.map(node));
      if (w === home && fresh.length > 0) edits.appendToList(w.service, "ports", fresh);
    }
    if (!plans.has(home) && fresh.length > 0) this.editsOf(home).appendToList(home.service, "ports", fresh);
  }

  /** A key set or changed: mappings key by key; a value where the last file that writes it (or home) sets it. */
  private value(name: string, writers: Writer[], home: Writer, path: string[], before: unknown, after: unknown): void {
    if (isData(before) && isData(after)) {
      const gone = new Set(Object.keys(before).filter((key) => after[key] === undefined));
      if (isLabels(path)) this.removeLabels(name, writers, path, (key) => gone.has(key));
      for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
        if (isDeepStrictEqual(before[key], after[key]) || (isLabels(path) && gone.has(key))) continue;
        if (after[key] === undefined && isLabels([...path, key])) {
          this.removeLabels(name, writers, [...path, key], () => true);
          continue;
        }
        if (after[key] === undefined) throw this.inexpressible(name, writers, [...path, key]);
        this.value(name, writers, home, [...path, key], before[key], after[key]);
      }
      return;
    }
    const writing = writers.filter((w) => valueAt(w.service.data, path) !== undefined);
    // docker appends a later file's list to an earlier one's (mergo.WithAppendSlice), but for a command, which
    // replaces it (merge.go mergeShellCommand): the last file that writes the list gets the planned one, and the
    // earlier ones lose theirs (an empty list in a mapping, which appends nothing).
    if (Array.isArray(after) && !replacedWhole.has(path.join("."))) {
      for (const w of writing.slice(0, -1)) {
        if (path.length === 1) this.editsOf(w).removeKey(w.service, path[0]!);
        else this.editsOf(w).setNested(w.service, path, []);
      }
    }
    const top = [...writers].reverse().find((w) => w.service.data[path[0]!] !== undefined);
    const target = writing.at(-1) ?? top ?? home;
    this.editsOf(target).setNested(target.service, path, after as Plain);
  }

  /**
   * Labels taken away (proxy moves Traefik's to its helper) go from every file that writes them: docker merges a
   * later file's labels key by key into an earlier one's, so a key one file writes stays unless that file drops it.
   */
  private removeLabels(name: string, writers: Writer[], path: string[], matches: (key: string) => boolean): void {
    for (const w of writers) {
      const labels = valueAt(w.service.data, path);
      const keys = Array.isArray(labels)
        ? labels.map((item) => String(item).split("=")[0]!)
        : Object.keys(labels ?? {});
      if (!keys.some(matches)) continue;
      // Not written in the file itself (an anchor's): the file cannot lose them alone.
      if (!this.editsOf(w).removeLabels(w.service, path[0] === "deploy", matches)) {
        const why = `${w.model.file} gives them through an anchor or a merge key, which stackmod does not change`;
        throw this.inexpressible(name, writers, path, why);
      }
    }
  }

  private inexpressible(
    name: string,
    writers: Writer[],
    path: string[],
    why = "docker's merge of -c files adds a later file's keys to an earlier one's and never takes one away, and " +
      "stackmod takes away only what a file writes itself: whole keys, networks, ports, labels",
  ): StackmodError {
    const where = writers
      .filter((w) => valueAt(w.service.data, path.slice(0, 1)) !== undefined)
      .map((w) => positionText(keyPosition(w, path[0]!)));
    const first = writers.find((w) => w.service.data[path[0]!] !== undefined) ?? writers[0]!;
    return new StackmodError(
      "UNSUPPORTED",
      `service "${name}" is refused only once the files are merged (at ${positionText(this.refusedAt!)}), and ` +
        "its rewrite changes " +
        `\`${path.join(".")}\`, written at ${where.join(" and ") || "no file"}, in a way stackmod cannot write ` +
        `back into the -c files (${why}): write the service's \`` +
        `${path[0]}:\` in one of the files, or rewrite the merged file from \`docker stack config -c ... -c ...\``,
      keyPosition(first, path[0]!),
    );
  }
}

/** A service's labels, which docker reads as a mapping: `labels:` (Compose) or `deploy.labels:` (the service's). */
function isLabels(path: string[]): boolean {
  return path.join(".") === "labels" || path.join(".") === "deploy.labels";
}

function valueAt(data: unknown, path: string[]): unknown {
  let value = data;
  for (const key of path) value = isData(value) ? value[key] : undefined;
  return value;
}

function keyPosition(writer: Writer, key: string): SourcePosition {
  const entry = writer.model.resolver.get(writer.service.map, key);
  const node = entry?.pair.key as Node | undefined;
  return node?.range ? writer.model.parsed.source.position(node.range[0]) : writer.service.position;
}

function positionText(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}
