import { defaultQueueKind, type QueueKind } from "../src/strategies/split/queues/index.js";

const credentials: Record<QueueKind["auth"], string> = {
  never: "none",
  optional: "password with `queue.auth: true`",
  required: "user and password, always",
};

/**
 * The README's table of queue kinds, built from the kinds themselves (image, port,
 * scheme, credentials, summary): `npm run docs` writes it, test/readme.test.ts fails
 * when the README differs.
 */
export function queuesTable(kinds: readonly QueueKind[]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [
    line(["`queue.kind`", "image (pinned)", "port", "`QUEUE_URL`", "credentials", "what the application must know"]),
    "|---|---|---|---|---|---|",
    ...kinds.map((kind) =>
      line([
        `\`${kind.name}\`${kind.name === defaultQueueKind ? " (default)" : ""}`,
        `\`${kind.image}\``,
        String(kind.port),
        `\`${kind.scheme}://…\``,
        credentials[kind.auth],
        kind.summary,
      ]),
    ),
  ].join("\n");
}
