import { defaultQueueKind, queueKindList, type QueueKind } from "./index.js";

/** `a, b and c` (or `a, b or c`): how the docs name several kinds in a sentence. */
function wordList(words: readonly string[], last: "and" | "or"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${last} ${words.at(-1)}`;
}

function names(kinds: readonly QueueKind[]): string[] {
  return kinds.map((kind) => kind.name);
}

function withAuth(auth: QueueKind["auth"]): string[] {
  return names(queueKindList.filter((kind) => kind.auth === auth));
}

/** The option docs' sentences about every kind, derived from the registry so that a new kind is in all of them. */
export const queueDocs = {
  kinds: queueKindList.map((k) => (k.name === defaultQueueKind ? `${k.name} (default)` : k.name)).join(", "),
  images: queueKindList.map((kind) => kind.image).join(", "),
  ports: queueKindList.map((kind) => kind.port).join(", "),
  topics: wordList(
    queueKindList.map((kind) => kind.topic.noun),
    "or",
  ),
  auth: authSentence(),
  /** The kinds that can take a password, for an error that suggests one. */
  withPassword: wordList(names(queueKindList.filter((kind) => kind.auth !== "never")), "or"),
};

function authSentence(): string {
  const optional = withAuth("optional");
  const required = withAuth("required");
  const never = withAuth("never");
  const verb = (kinds: string[], one: string, many: string) => (kinds.length === 1 ? one : many);
  return [
    optional.length > 0 ? `${wordList(optional, "and")}: require a password, read from a secret (default false)` : "",
    required.length > 0
      ? `${wordList(required, "and")} always ${verb(required, "uses", "use")} a user and password from secrets`
      : "",
    never.length > 0 ? `${wordList(never, "and")} ${verb(never, "takes", "take")} none` : "",
  ]
    .filter(Boolean)
    .join("; ");
}
