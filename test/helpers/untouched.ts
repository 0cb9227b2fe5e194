import { isMap, LineCounter, parseDocument, type Node } from "yaml";

/**
 * 1-based, inclusive line ranges a rewrite may change: each rewritten service,
 * from its key to the line before the next service (or the next top-level key).
 */
export function serviceRegions(text: string, services: readonly string[]): [number, number][] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const root = doc.contents;
  if (!isMap(root)) return [];
  const lineOf = (node: unknown) => lineCounter.linePos((node as Node).range![0]).line;
  const totalLines = text.split("\n").length;
  const topIndex = root.items.findIndex((pair) => String((pair.key as { value?: unknown }).value) === "services");
  const servicesMap = root.items[topIndex]?.value;
  if (!isMap(servicesMap)) return [];
  const nextTop = root.items[topIndex + 1];
  const endOfServices = nextTop ? lineOf(nextTop.key) - 1 : totalLines;
  const regions: [number, number][] = [];
  servicesMap.items.forEach((pair, index) => {
    if (!services.includes(String((pair.key as { value?: unknown }).value))) return;
    const next = servicesMap.items[index + 1];
    regions.push([lineOf(pair.key), next ? lineOf(next.key) - 1 : endOfServices]);
  });
  return regions;
}

/**
 * Checks that the output is the original with only the given line ranges replaced:
 * every byte before, between and after them must come back unchanged and in order.
 * Returns a description of the first difference, or undefined.
 */
export function changesOutside(
  original: string,
  output: string,
  regions: readonly [number, number][],
): string | undefined {
  const starts = lineStarts(original);
  const offset = (line: number) => (line - 1 < starts.length ? starts[line - 1]! : original.length);
  const sorted = [...regions].sort((a, b) => a[0] - b[0]);
  const kept: string[] = [];
  let cursor = 0;
  for (const [first, last] of sorted) {
    kept.push(original.slice(cursor, offset(first)));
    cursor = offset(last + 1);
  }
  kept.push(original.slice(cursor));
  let at = 0;
  for (const [index, segment] of kept.entries()) {
    const found =
      index === 0
        ? output.startsWith(segment)
          ? 0
          : -1
        : index === kept.length - 1
          ? lastMatch(output, segment, at)
          : output.indexOf(segment, at);
    if (found === -1)
      return (
        `the original text outside the rewritten services (part ${index + 1} of ${kept.length}) is not in the ` +
        `output unchanged: ${JSON.stringify(segment.slice(0, 80))}`
      );
    at = found + segment.length;
  }
  return undefined;
}

function lastMatch(output: string, segment: string, from: number): number {
  return output.endsWith(segment) && output.length - segment.length >= from ? output.length - segment.length : -1;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}
