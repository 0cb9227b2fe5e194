import type { Alias, Document, Node } from "yaml";

/**
 * yaml's `Alias.resolve(doc, ctx)` looks for the anchor by scanning every alias
 * and anchor of the document up to the alias (`ctx.aliasResolveCache`), so
 * `doc.toJS()` is quadratic in the number of aliases: 20,000 `<<: *defaults`
 * take minutes. Each alias gets a `resolve` that hands yaml's own a list holding
 * only its target, so yaml still does the rest (anchor data, alias-count limit,
 * errors) exactly as before. `targets`: what `walkDocument` found.
 */
export function indexAliases(targets: ReadonlyMap<Alias, Node | undefined>): void {
  for (const [alias, target] of targets) {
    const resolve = alias.resolve;
    const only = target ? [target, alias] : [alias];
    Object.defineProperty(alias, "resolve", {
      configurable: true,
      writable: true,
      value(this: Alias, document: Document, ctx?: { aliasResolveCache?: unknown }) {
        if (!ctx) return target;
        const cache = ctx.aliasResolveCache;
        ctx.aliasResolveCache = only;
        try {
          return resolve.call(this, document, ctx as never);
        } finally {
          ctx.aliasResolveCache = cache;
        }
      },
    });
  }
}
