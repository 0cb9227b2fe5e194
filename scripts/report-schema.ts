// The report schema's list of rule ids, written by `npm run docs` from the registry: a new rule needs no
// hand edit of the published schema. Only the list's text is replaced, in the file's own layout.

const ruleEnum = /("finding": \{[\s\S]*?"rule": \{\s*"enum": \[)([^\]]*)(\])/;

/** `schemaText` with the finding's `rule` enum set to `ids`, one per line as prettier lays a long list out. */
export function withRuleIds(schemaText: string, ids: readonly string[]): string {
  const match = ruleEnum.exec(schemaText);
  if (!match) throw new Error("schema/report-v1.schema.json: no `rule` enum under `finding`");
  const indent = /\n( *)"/.exec(match[2]!)?.[1] ?? "            ";
  const closing = indent.slice(2);
  const list = `\n${ids.map((id) => `${indent}${JSON.stringify(id)}`).join(",\n")}\n${closing}`;
  return (
    schemaText.slice(0, match.index) + match[1] + list + match[3] + schemaText.slice(match.index + match[0].length)
  );
}
