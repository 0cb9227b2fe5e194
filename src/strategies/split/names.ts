/**
 * The names a split gives what it makes of service NAME, in one place: the collector (a copy on the host
 * network), the processor (the service itself, renamed, keeping NAME as its alias on the overlay), and the
 * queue between them when no shared queue is named. The rewrite, its notes and its flows all ask here.
 */
export interface SplitNames {
  collector: string;
  processor: string;
  queue: string;
}

export function splitNames(service: string, sharedQueue?: string): SplitNames {
  return {
    collector: `${service}-collector`,
    processor: `${service}-processor`,
    queue: sharedQueue ?? `${service}-queue`,
  };
}
