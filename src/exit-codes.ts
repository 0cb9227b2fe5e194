/** The exit codes, in one place, so that every command and the README's list say the same. */
export const exitCodes = {
  /** Nothing to do, or done. */
  ok: 0,
  /** `check` found errors, or `rewrite --check` would change a file or leaves an error in it. */
  found: 1,
  /** Bad usage, unreadable or invalid input, or a service that cannot be rewritten as asked. */
  error: 2,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
