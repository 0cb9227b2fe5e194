// Real traffic from the test machine (the node's host side) with socat: one line out, one line back.
import { run } from "./run.js";

/** A connected UDP socket (what most clients use): only a reply from the address it sent to is read. */
export async function udpFromHost(host: string, port: number, line: string): Promise<string> {
  const r = await run("timeout", ["5", "socat", "-T2", "-", `UDP4:${host}:${port}`], {
    input: `${line}\n`,
    allowFail: true,
    timeoutMs: 10_000,
  });
  return r.stdout.trim();
}

export async function tcpFromHost(host: string, port: number, line: string): Promise<string> {
  const r = await run("timeout", ["5", "socat", "-T2", "-", `TCP4:${host}:${port},connect-timeout=2`], {
    input: `${line}\n`,
    allowFail: true,
    timeoutMs: 10_000,
  });
  return r.stdout.trim();
}

/** A payload no other run or service could have produced. */
export const nonce = (what: string) => `${what}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
