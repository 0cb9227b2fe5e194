import { isAlias, visit, type Alias, type Document, type Node } from "yaml";

/**
 * What `alias.resolve(doc)` finds for every alias of the document (the last node
 * before it with its anchor), from one walk in yaml's own order.
 */
export function aliasTargets(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const targets = new Map<Alias, Node | undefined>();
  const anchored = new Map<string, Node>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchored.get(node.source));
      else if (node.anchor) anchored.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * yaml's `Alias.resolve(doc, ctx)` looks for the anchor by scanning every alias
 * and anchor of the document up to the alias (`ctx.aliasResolveCache`), so
 * `doc.toJS()` is quadratic in the number of aliases: 20,000 `<<: *defaults`
 * take minutes. Each alias gets a `resolve` that hands yaml's own a list holding
 * only its target, so yaml still does the rest (anchor data, alias-count limit,
 * errors) exactly as before.
 */
export function indexAliases(doc: Document.Parsed): Map<Alias, Node | undefined> {
  const targets = aliasTargets(doc);
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
  return targets;
}
