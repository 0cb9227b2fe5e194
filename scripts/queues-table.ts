import { defaultQueueKind, type QueueKind } from "../src/strategies/split/queues/index.js";
import { listItem } from "./markdown-list.js";

const credentials: Record<QueueKind["auth"], string> = {
  never: "none",
  optional: "password with `queue.auth: true`",
  required: "user and password, always",
};

/**
 * The README's list of queue kinds, built from the kinds themselves (image, port,
 * scheme, credentials, summary): `npm run docs` writes it, test/readme.test.ts fails
 * when the README differs. One item per kind: `- KIND: IMAGE, port, QUEUE_URL,
 * credentials`, then what the application must know.
 */
export function queuesTable(kinds: readonly QueueKind[]): string {
  return kinds
    .map((kind) =>
      listItem(
        `\`${kind.name}\`${kind.name === defaultQueueKind ? " (default)" : ""}: image \`${kind.image}\` (pinned), ` +
          `port ${kind.port}, \`QUEUE_URL\` \`${kind.scheme}://…\`, credentials: ${credentials[kind.auth]}. ` +
          `*What the application must know:* ${kind.summary}`,
      ),
    )
    .join("\n");
}
