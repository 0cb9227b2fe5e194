import type { ServiceModel } from "../../model/types.js";
import type { ServiceEdits } from "../../edit/service-edits.js";
import type { Plain } from "../../edit/render.js";

type Tree = { [key: string]: Plain };

/**
 * Keys that fixes add under a service's `deploy:` (`restart_policy`, `resources.limits`),
 * collected and written once: two fixes of one service must not each create `deploy:`.
 * `ServiceEdits.addUnder` writes them, in place or as an override of a merged-in `deploy:`.
 */
export class DeployAdditions {
  private readonly byService = new Map<ServiceModel, Tree>();

  constructor(private readonly edits: ServiceEdits) {}

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
    this.edits.ahead(() => {
      for (const [service, tree] of this.byService) this.edits.addUnder(service, "deploy", tree);
    });
  }
}

function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
