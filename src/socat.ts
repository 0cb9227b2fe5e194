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
  const usesGateway = forwards.some((f) => f.to.startsWith(`${gatewayVariable}:`));
  const commands = forwards.map((f) =>
    f.protocol === "udp"
      ? `socat -T 60 UDP4-RECVFROM:${f.listen},fork,reuseaddr UDP4-SENDTO:${f.to}`
      : `socat TCP4-LISTEN:${f.listen},fork,reuseaddr TCP4:${f.to}`,
  );
  const script = `${commands.join(" & ")} & wait`;
  // `;`, not `&&`: `a && b & c` would set GW only in the background subshell of b.
  return usesGateway ? `${findGateway}; [ -n "$GW" ] || exit 1; ${script}` : script;
}

/** Where a forwarder sends traffic when the target is the container's own default gateway. */
export const gatewayVariable = "$GW";

/**
 * In a Swarm task the default route goes through docker_gwbridge, whose gateway
 * is the node itself: TCP and UDP replies come back from the address the client
 * sent to (unlike host-gateway/docker0, where UDP replies leave from the
 * gwbridge address and a connected client drops them). Found at run time because
 * the gwbridge subnet differs between clusters.
 */
const findGateway = `GW=$(ip route | awk '/^default/ {print $3; exit}')`;

/** Compose and stack files interpolate `$`: a literal `$` is written `$$`. */
export function escapeForCompose(text: string): string {
  return text.replaceAll("$", "$$$$");
}
