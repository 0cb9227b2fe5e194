import { isMap, type YAMLMap } from "yaml";
import type { ServiceModel, StackModel } from "../../model/types.js";
import type { YamlEditor } from "../../edit/yaml-editor.js";
import type { Plain } from "../../edit/render.js";

type Tree = { [key: string]: Plain };

/**
 * Keys that fixes add under a service's `deploy:` (`restart_policy`, `resources.limits`),
 * collected and written once: two fixes of one service must not each create `deploy:`.
 * A `deploy:` written in the service is extended in place, key by key; one that comes
 * from an anchor or a merge key stays untouched and the service gets its own `deploy:`
 * (the merged one plus the additions).
 */
export class DeployAdditions {
  private readonly byService = new Map<ServiceModel, Tree>();

  constructor(
    readonly model: StackModel,
    readonly editor: YamlEditor,
  ) {}

  /** The value at `deploy.PATH` as the service resolves it (anchors and merges applied). */
  existing(service: ServiceModel, path: string[]): unknown {
    let value: unknown = service.data.deploy;
    for (const step of path) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
      value = (value as Record<string, unknown>)[step];
    }
    return value;
  }

  /** Adds `value` at `deploy.PATH`; mappings added at the same path merge. */
  add(service: ServiceModel, path: string[], value: Plain): void {
    const tree = this.byService.get(service) ?? {};
    this.byService.set(service, tree);
    let node = tree;
    for (const step of path.slice(0, -1)) node = (node[step] ??= {}) as Tree;
    const last = path[path.length - 1]!;
    const before = node[last];
    node[last] = isTree(before) && isTree(value) ? { ...before, ...value } : value;
  }

  /** Written ahead of other insertions at the same offset: the keys nest under `deploy:`, which may end there. */
  write(): void {
    this.editor.edits.ahead(() => this.writeAll());
  }

  private writeAll(): void {
    for (const [service, tree] of this.byService) {
      const entry = this.model.resolver.get(service.map, "deploy");
      if (!entry) {
        this.editor.addPair(service.map, "deploy", tree);
        continue;
      }
      if (entry.local && !entry.viaAlias && isMap(entry.value)) {
        this.merge(entry.value, tree, service.data.deploy);
        continue;
      }
      const merged = mergePlain((service.data.deploy ?? {}) as Plain, tree);
      if (entry.local) this.editor.replaceWithFlow(entry.pair.value as never, merged);
      else this.editor.addPair(service.map, "deploy", merged);
    }
  }

  private merge(map: YAMLMap, tree: Tree, resolved: unknown): void {
    const { resolver } = this.model;
    for (const [key, value] of Object.entries(tree)) {
      const entry = resolver.get(map, key);
      if (!entry) {
        this.editor.addPair(map, key, value);
      } else if (entry.local && !entry.viaAlias && isMap(entry.value) && isTree(value)) {
        this.merge(entry.value, value, isTree(resolved) ? resolved[key] : undefined);
      } else if (isTree(value)) {
        // From an anchor or a merge key: the whole key is overridden here, the anchor stays as it is.
        const merged = mergePlain((isTree(resolved) ? resolved[key] : null) as Plain, value);
        if (entry.local) this.editor.replaceWithFlow(entry.pair.value as never, merged);
        else this.editor.addPair(map, key, merged);
      }
    }
  }
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
