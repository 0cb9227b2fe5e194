/** One forwarder: listen on a port of the proxy's network, send to an address. */
export interface Forward {
  protocol: "tcp" | "udp";
  listen: number;
  to: string;
}

/**
 * The proxy's shell script: one socat per port, all in the background, and the
 * container lives as long as they do. Every value is a number or a validated
 * host name, so nothing here can inject shell.
 */
export function forwarderScript(forwards: readonly Forward[]): string {
  const commands = forwards.map((f) =>
    f.protocol === "udp"
      ? `socat -T 60 UDP4-RECVFROM:${f.listen},fork,reuseaddr UDP4-SENDTO:${f.to}`
      : `socat TCP4-LISTEN:${f.listen},fork,reuseaddr TCP4:${f.to}`,
  );
  return `${commands.join(" & ")} & wait`;
}
