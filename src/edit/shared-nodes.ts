import { isAlias, type Node } from "yaml";
import { StackmodError } from "../errors.js";
import type { ServiceModel, StackModel } from "../model/types.js";
import { nodeStart } from "./style.js";

interface Region {
  start: number;
  end: number;
  anchor: string;
  node: Node;
}

/**
 * Anchor protection, all of it: the text of every anchored node that an alias uses
 * (`&p` ... `*p`, `<<: *a`), tag and anchor included. Changing such a node changes every
 * place that uses it, which the user did not ask for. `check` guards every edit (an edit
 * that overlaps one, or inserts strictly inside it, is refused at the anchor, with what to
 * do instead); `assertOwnBody` and `assertNotShared` refuse earlier, naming the service and
 * key, where `ServiceEdits` knows what it is about to change.
 */
export class SharedNodes {
  /** Anchors that some alias refers to. */
  private readonly used = new Set<string>();
  private readonly regions: Region[] = [];
  /** The largest end among regions[0..i]: with the regions sorted by start, one binary search finds an overlap. */
  private readonly reach: number[] = [];

  constructor(private readonly model: StackModel) {
    // The parse's walk found the aliases and the anchored nodes: no walk of its own.
    for (const alias of model.parsed.aliases.keys()) this.used.add(alias.source);
    if (this.used.size === 0) return;
    const source = model.parsed.source;
    for (const node of model.parsed.anchored) {
      const anchor = node.anchor;
      if (!anchor || !this.used.has(anchor) || !node.range) continue;
      this.regions.push({ start: nodeStart(source, node), end: node.range[1], anchor, node });
    }
    this.regions.sort((a, b) => a.start - b.start);
    let reach = -1;
    for (const region of this.regions) this.reach.push((reach = Math.max(reach, region.end)));
  }

  /** The node carries an anchor that some alias uses. */
  isShared(node: Node): boolean {
    const anchor = (node as { anchor?: string }).anchor;
    return anchor !== undefined && this.used.has(anchor);
  }

  /** Throws when the edit of [start, end) would change a shared node. */
  check(start: number, end: number): void {
    const hit = this.overlapping(start, end);
    if (!hit) return;
    const { anchor } = hit;
    throw new StackmodError(
      "UNSUPPORTED",
      `this rewrite would change the node anchored as &${anchor}, which is also used elsewhere through *${anchor}` +
        ` (an alias or a merge key), so those places would change too; nothing was written. Give this service its` +
        ` own copy of what it needs changed (move the shared part to an x- block, x-${anchor}: &${anchor} ..., and` +
        " merge or alias it from there), or choose strategy: skip for it",
      this.model.positionOf(hit.node, hit.start),
    );
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
        `service "${service.name}" is written as an alias of another service's body (*${value.source});` +
          ` stackmod cannot change it alone: write it with a merge key instead` +
          ` (\`${service.name}: {<<: *${value.source}}\`) and it gets its own overrides`,
        service.position,
      );
    }
    const anchor = service.map.anchor;
    if (this.isShared(service.map)) {
      throw new StackmodError(
        "UNSUPPORTED",
        `the body of service "${service.name}" is the anchor &${anchor}, which other services use; changing it` +
          ` would change them too: move the shared keys to an x- block (x-${anchor}: &${anchor}) and merge it with <<`,
        service.position,
      );
    }
  }

  /** A list or mapping written in the service but anchored for others: editing it in place would change them too. */
  assertNotShared(service: ServiceModel, key: string, node: Node): void {
    if (!this.isShared(node)) return;
    const anchor = (node as { anchor?: string }).anchor;
    throw new StackmodError(
      "UNSUPPORTED",
      `\`${key}\` of service "${service.name}" is the anchor &${anchor}, which other services use; changing it` +
        ` would change them too: move it to an x- block (x-${anchor}: &${anchor} ...) and refer to it with *${anchor}`,
      this.model.positionOf(node),
    );
  }

  private overlapping(start: number, end: number): Region | undefined {
    const insertion = start === end;
    // The last region that starts before the edit does (an insertion) or before it ends (a replacement).
    let low = 0;
    let high = this.regions.length - 1;
    let last = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const regionStart = this.regions[middle]!.start;
      if (insertion ? regionStart < start : regionStart < end) {
        last = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    if (last < 0 || this.reach[last]! <= start) return undefined;
    for (let index = last; index >= 0; index -= 1) {
      if (this.regions[index]!.end > start) return this.regions[index];
    }
    return undefined;
  }
}
