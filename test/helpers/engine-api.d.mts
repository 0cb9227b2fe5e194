// Types of engine-api.mjs (plain JS so that the bench can use it too).
export interface Exchange {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: string;
}

export function unversioned(path: string): string;

export function recordingProxy(
  upstream: string,
  listenPath: string,
): Promise<{ exchanges: Exchange[]; refused: string[]; close: () => Promise<void> }>;

export function replayServer(
  exchanges: Exchange[],
  listenPath: string,
  tls?: { key: string | Buffer; cert: string | Buffer; ca: string | Buffer },
): Promise<{ asked: string[]; port?: number; close: () => Promise<void> }>;
