import type { Evidence, ServiceAnalysis } from "./types.js";

/**
 * Where a piece of evidence is, for a text: `ports[0] at line 4` in the file the text is about (`file`, the model's);
 * `x-stackmod.ports at base.yml:6:5` when another file writes it (a layered stack planned on its merged text).
 */
export function evidenceAt(e: Evidence, file: string): string {
  const { position } = e;
  if (position.file === file) return `${e.path} at line ${position.line}`;
  return `${e.path} at ${position.file}:${position.line}:${position.column}`;
}

/**
 * What the evidence says the service does, the most binding reading only: the strategies choose
 * from it (the default strategy, a proxy's direction), each with the reason it gives.
 */
export type Reading =
  | { kind: "sends"; reason: string }
  | { kind: "receives"; reason: string }
  | { kind: "overlay"; reason: string }
  | { kind: "unicast"; list: string; from: string; reason: string };

/**
 * It sends or joins broadcast/multicast (or needs the host's stack); it receives broadcasts on a known
 * port; unicast listeners only; no host port, reached on the overlay only. Undefined: nothing conclusive.
 */
export function readEvidence(analysis: ServiceAnalysis): Reading | undefined {
  const sends = analysis.lan.filter((u) => u.kind === "sends" && !u.implied);
  if (sends.length > 0) {
    const what = sends.map((u) => `${u.what} (${evidenceAt(u.evidence, analysis.file)})`).join("; ");
    return { kind: "sends", reason: `it keeps the host network: ${what}` };
  }
  const receives = analysis.lan.filter((u) => u.kind === "receives");
  if (receives.length > 0) {
    const what = receives
      .map((u) => `${u.what} on ${u.port}/udp (${evidenceAt(u.evidence, analysis.file)})`)
      .join("; ");
    return { kind: "receives", reason: `it receives ${what}` };
  }
  if (analysis.hostPorts.length > 0) {
    const list = analysis.hostPorts.map((p) => `${p.port}/${p.protocol}`).join(", ");
    const from = `from ${analysis.hostPortsSource}, ${evidenceAt(analysis.hostPorts[0]!.evidence, analysis.file)}`;
    return { kind: "unicast", list, from, reason: `unicast listeners only: ${list} (${from})` };
  }
  if (analysis.reachedBy.length > 0) {
    const peers = analysis.reachedBy.map(
      (p) => `${p.from}${p.port ? ` at ${p.port}` : ""} (${evidenceAt(p.evidence, analysis.file)})`,
    );
    return {
      kind: "overlay",
      reason: `no port it receives on the host is known, and the overlay reaches it: ${peers.join("; ")}`,
    };
  }
  return undefined;
}
