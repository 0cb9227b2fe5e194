// Real traffic with socat: one line out, one line back. From the test machine (the single node's host side), or
// from inside a network namespace (`netns`: the cluster's device, or a node).
import { run } from "./run.js";

const inNetns = (netns: string | undefined, cmd: string[]) =>
  netns ? ["nsenter", `--net=/run/netns/${netns}`, ...cmd] : cmd;

/** A connected UDP socket (what most clients use): only a reply from the address it sent to is read. */
export async function udpFromHost(host: string, port: number, line: string, netns?: string): Promise<string> {
  const [cmd, ...args] = inNetns(netns, ["timeout", "5", "socat", "-T2", "-", `UDP4:${host}:${port}`]);
  const r = await run(cmd!, args, { input: `${line}\n`, allowFail: true, timeoutMs: 10_000 });
  return r.stdout.trim();
}

export async function tcpFromHost(host: string, port: number, line: string, netns?: string): Promise<string> {
  const connect = `TCP4:${host}:${port},connect-timeout=2`;
  const [cmd, ...args] = inNetns(netns, ["timeout", "5", "socat", "-T2", "-", connect]);
  const r = await run(cmd!, args, { input: `${line}\n`, allowFail: true, timeoutMs: 10_000 });
  return r.stdout.trim();
}

/** A payload no other run or service could have produced. */
export const nonce = (what: string) => `${what}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Repeat `probe` (one request, same payload) until it gets a reply or `timeoutMs` passes; the last reply ("" when
 * none). For the first contact with a service that has just converged: its task runs before its listener is up,
 * and on a loaded machine the gap can exceed a socat timeout. Never for a check that expects no answer.
 */
export async function untilAnswered(probe: () => Promise<string>, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await probe();
    if (reply !== "" || Date.now() > deadline) return reply;
    await new Promise((r) => setTimeout(r, 500));
  }
}
