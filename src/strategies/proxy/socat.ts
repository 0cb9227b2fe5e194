import { StackmodError } from "../../errors.js";
import { shellQuote } from "../../edit/shell-quote.js";
import type { PortProtocol } from "../../model/types.js";

/** One forwarder: listen on a port of the proxy's network, send to an address. */
export interface Forward {
  /** TCP or UDP: anything else is refused (proxy.ts refuses SCTP before it gets here). */
  protocol: PortProtocol;
  listen: number;
  to: string;
}

/** The most UDP peers one forwarder serves at a time; a peer idle for `udpIdleSeconds` frees its place. */
export const udpMaxPeers = 256;
const udpIdleSeconds = 60;

/**
 * The proxy's shell script: one socat per port, all in the background. When any of
 * them stops (a port it cannot bind, a crash), the script says which on stderr and
 * exits 1, so the container stops and the orchestrator restarts it: a proxy that
 * forwards only some of its ports never looks healthy. Every value is a number or a
 * validated host name, so nothing here can inject shell.
 *
 * UDP is forwarded per peer (UDP4-LISTEN with fork: one child per client address,
 * connected to it and to the target, so replies go back to that client), at most
 * `udpMaxPeers` at a time; UDP4-RECVFROM with fork made one process per datagram.
 * No reuseaddr on UDP: with it a second socket binds the same port silently.
 */
export function forwarderScript(forwards: readonly Forward[]): string {
  const usesGateway = forwards.some((f) => f.to.startsWith(`${gatewayVariable}:`));
  const commands = forwards.map((f) => {
    checkForward(f);
    const socat =
      f.protocol === "udp"
        ? `socat -T ${udpIdleSeconds} ${word(`UDP4-LISTEN:${f.listen},fork,max-children=${udpMaxPeers}`)} ` +
          `${word(`UDP4:${f.to}`)}`
        : `socat ${word(`TCP4-LISTEN:${f.listen},fork,reuseaddr`)} ${word(`TCP4:${f.to}`)}`;
    const stopped = `echo "stackmod proxy: the forwarder of ${f.listen}/${f.protocol} stopped (exit $?)" >&2`;
    return `{ ${socat}; ${stopped}; kill -USR1 $$; } &`;
  });
  // sh runs as PID 1, which ignores SIGTERM unless trapped: without the trap every
  // stop or rolling update would wait out the whole grace period. USR1 comes from a
  // forwarder that stopped and interrupts the wait; should every forwarder stop before it is
  // handled, the wait ends by itself, and that is a failure too.
  const script = `trap 'exit 0' TERM INT; trap 'exit 1' USR1; ${commands.join(" ")} wait; exit 1`;
  // `;`, not `&&`: `a && b & c` would set GW only in the background subshell of b.
  return usesGateway ? script.replace("; ", `; ${findGateway}; [ -n "$GW" ] || exit 1; `) : script;
}

/**
 * A forwarder's target: `$GW` or a host name or IPv4 address, then a port; no socat option (`,`) or shell character can
 * ride along.
 */
const targetPattern = /^(?:\$GW|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?):(\d{1,5})$/;

/** The last line of defence: values reach this script already validated, so a failure here is a bug. */
function checkForward(forward: Forward): void {
  const target = targetPattern.exec(forward.to);
  const portOk = (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535;
  if (!["tcp", "udp"].includes(forward.protocol) || !portOk(forward.listen) || !target || !portOk(Number(target[1]))) {
    throw new StackmodError(
      "INTERNAL",
      `refusing to generate a forwarder for ${JSON.stringify(forward)}: its protocol, port or address is not ` +
        "one socat can take safely",
      {
        file: "<generated proxy command>",
        line: 1,
        column: 1,
      },
    );
  }
}

/**
 * One shell word for `value`: left bare when every character is inert in sh (or is the gateway variable), single-quoted
 * otherwise.
 */
function word(value: string): string {
  const inert = value.replace(gatewayVariable, "");
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(inert) ? value : shellQuote(value);
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
