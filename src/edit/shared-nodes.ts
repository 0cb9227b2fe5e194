import { StackmodError } from "../errors.js";
import type { StackModel } from "../model/types.js";
import { nodeStart } from "./style.js";

interface Region {
  start: number;
  end: number;
  anchor: string;
}

/**
 * The text of every anchored node that an alias uses (`&p` ... `*p`, `<<: *a`),
 * tag and anchor included: the one protection that every strategy and fix goes
 * through, since every edit passes `check`. Changing such a node changes every
 * service that uses it, which the user did not ask for, so an edit that overlaps one
 * (or inserts strictly inside it) is refused at the anchor, with what to do instead.
 */
export class SharedNodes {
  private readonly regions: Region[] = [];
  /** The largest end among regions[0..i]: with the regions sorted by start, one binary search finds an overlap. */
  private readonly reach: number[] = [];

  constructor(private readonly model: StackModel) {
    // The parse's walk found the aliases and the anchored nodes: no walk of its own.
    const used = new Set<string>();
    for (const alias of model.parsed.aliases.keys()) used.add(alias.source);
    if (used.size === 0) return;
    const source = model.parsed.source;
    for (const node of model.parsed.anchored) {
      const anchor = node.anchor;
      if (!anchor || !used.has(anchor) || !node.range) continue;
      this.regions.push({ start: nodeStart(source, node), end: node.range[1], anchor });
    }
    this.regions.sort((a, b) => a.start - b.start);
    let reach = -1;
    for (const region of this.regions) this.reach.push((reach = Math.max(reach, region.end)));
  }

  /** Throws when the edit of [start, end) would change a shared node. */
  check(start: number, end: number): void {
    const hit = this.overlapping(start, end);
    if (!hit) return;
    throw new StackmodError(
      "UNSUPPORTED",
      `this rewrite would change the node anchored as &${hit.anchor}, which is also used elsewhere through *${hit.anchor}` +
        ` (an alias or a merge key), so those places would change too; nothing was written. Give this service its own` +
        ` copy of what it needs changed (move the shared part to an x- block, x-${hit.anchor}: &${hit.anchor} ..., and` +
        " merge or alias it from there), or choose strategy: skip for it",
      this.model.parsed.source.position(hit.start),
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
