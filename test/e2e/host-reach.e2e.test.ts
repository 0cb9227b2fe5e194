// Facts for the "outbound" proxy: how a container on an overlay reaches a host-network service on its own
// node (single-node Swarm, Debian's engine 20.10). Every address here belongs to this machine.
//
//  - docker_gwbridge gateway (the overlay task's default gateway, usually 172.18.0.1): TCP and UDP work.
//  - extra_hosts "host.docker.internal:host-gateway": accepted by `docker stack deploy`, resolves in the task
//    to the docker0 address (172.17.0.1). TCP works. UDP reaches the host service, but its reply leaves from the
//    docker_gwbridge address, so a connected UDP client (the usual case) drops it; the same for docker0 and the
//    host's own addresses.
//  - 127.0.0.1 (the node's advertise address here) is the task's own loopback: refused.
//  - the host-network service has no DNS name on the overlay.
//  - a relay on the overlay that forwards to its default gateway works for TCP and UDP.
import { beforeAll, afterAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { e2eEngine } from "./context.js";
import { deployStack, execInService, removeStack, waitConverged } from "./stack.js";
import { run } from "./run.js";
import { timed } from "./timing.js";
import { untilAnswered } from "./traffic.js";

const engine = e2eEngine();
const STACK = "e2ereach";
const CLIENT = `${STACK}_client`;
const stackFile = fileURLToPath(new URL("./stacks/host-reach.yml", import.meta.url));

describe.skipIf(!engine)("overlay container -> host-network service on the same node (real engine)", () => {
  const e = engine!;
  let gwbridge = "";
  let docker0 = "";

  const hostAddress = async (link: string) => {
    const r = await run("ip", ["-4", "-o", "addr", "show", "dev", link], { allowFail: true });
    return /inet (\d+\.\d+\.\d+\.\d+)\//.exec(r.stdout)?.[1] ?? "";
  };
  const tcp = async (host: string, service = CLIENT) =>
    (
      await execInService(e, service, ["socat", "-T2", "-", `TCP:${host}:38080,connect-timeout=2`], { input: "" })
    ).stdout.trim();
  /** A connected UDP socket (what most clients use): only accepts a reply from the address it sent to. */
  const udp = async (host: string, service = CLIENT) =>
    (
      await execInService(e, service, ["timeout", "5", "socat", "-T2", "-", `UDP:${host}:38081`], { input: "ping\n" })
    ).stdout.trim();
  /** An unconnected UDP socket: shows where the reply comes from (the reply is awaited as untilAnswered does). */
  const udpReplySource = async (host: string) => {
    let from: string | undefined;
    const reply = await untilAnswered(async () => {
      const r = await execInService(
        e,
        CLIENT,
        ["timeout", "5", "socat", "-d", "-d", "-T2", "-", `UDP-DATAGRAM:${host}:38081`],
        { input: "ping\n" },
      );
      from = /received packet with \d+ bytes from AF=2 ([\d.]+):38081/.exec(r.stderr)?.[1];
      return r.stdout.trim();
    });
    return { reply, from };
  };

  beforeAll(async () => {
    await timed(e.dir, "host-reach: deploy", async () => {
      await deployStack(e, stackFile, STACK);
      await waitConverged(e, STACK, 60_000);
    });
    gwbridge = await hostAddress("docker_gwbridge");
    docker0 = await hostAddress("docker0");
    expect(gwbridge).not.toBe("");
    expect(docker0).not.toBe("");
  });
  afterAll(() => removeStack(e, STACK));

  it("the task's default gateway is the node's docker_gwbridge address", async () => {
    const r = await execInService(e, CLIENT, ["ip", "route"]);
    expect(r.stdout).toMatch(new RegExp(`^default via ${gwbridge.replace(/\./g, "\\.")} `, "m"));
  });

  it("(a) the docker_gwbridge gateway reaches the host service over TCP and UDP", async () => {
    // the first contact: on a loaded machine the first datagram's reply can miss the client's 2 s
    expect(await untilAnswered(() => tcp(gwbridge))).toBe("tcp-ok");
    expect(await untilAnswered(() => udp(gwbridge))).toBe("udp-ok");
  });

  it("(b) extra_hosts host-gateway is accepted, resolves to docker0; TCP works, connected UDP does not", async () => {
    const hosts = (await execInService(e, CLIENT, ["cat", "/etc/hosts"])).stdout;
    expect(hosts).toMatch(new RegExp(`^${docker0.replace(/\./g, "\\.")}\\s+host\\.docker\\.internal$`, "m"));
    expect(await tcp("host.docker.internal")).toBe("tcp-ok");
    expect(await udp("host.docker.internal")).toBe("");
    // the datagram did arrive: the reply comes back from the docker_gwbridge address, not the one asked
    expect(await udpReplySource("host.docker.internal")).toEqual({ reply: "udp-ok", from: gwbridge });
  });

  it("(c) the docker0 address: TCP works, connected UDP does not (same reply-source mismatch)", async () => {
    expect(await tcp(docker0)).toBe("tcp-ok");
    expect(await udp(docker0)).toBe("");
    expect(await udpReplySource(docker0)).toEqual({ reply: "udp-ok", from: gwbridge });
  });

  it("(d) 127.0.0.1 (the advertise address here) is the task's own loopback, and the service has no name", async () => {
    expect(await tcp("127.0.0.1")).toBe("");
    expect(await udp("127.0.0.1")).toBe("");
    const lookup = await execInService(e, CLIENT, ["nslookup", `tasks.${STACK}_hostsvc`, "127.0.0.11"]);
    expect(lookup.stdout + lookup.stderr).not.toMatch(/Address: \d+\.\d+\.\d+\.\d+\s*$/m);
  });

  it("(d) the host's own non-docker address: TCP works, connected UDP does not", async () => {
    const r = await run("ip", ["-4", "-o", "addr", "show", "scope", "global"]);
    const own = r.stdout
      .split("\n")
      .filter((l) => l && !/ (docker0|docker_gwbridge|br-|veth)/.test(l))
      .map((l) => /inet (\d+\.\d+\.\d+\.\d+)\//.exec(l)?.[1])
      .find(Boolean);
    if (!own) return console.error("[e2e] no non-docker IPv4 address on this machine: case skipped");
    expect(await tcp(own)).toBe("tcp-ok");
    expect(await udp(own)).toBe("");
  });

  it("a relay on the overlay (dnsrr) forwarding to its gateway carries other tasks' TCP and UDP", async () => {
    const logs = await run(e.cli, ["service", "logs", "--raw", `${STACK}_relay`], {
      env: { ...process.env, DOCKER_HOST: e.dockerHost },
    });
    expect(logs.stdout).toContain(`gateway ${gwbridge}`);
    // two forking socats in a row: on a loaded machine the first datagram's reply can miss the client's 2 s
    for (const name of [`${STACK}_relay`, `tasks.${STACK}_relay`]) {
      expect(await untilAnswered(() => tcp(name))).toBe("tcp-ok");
      expect(await untilAnswered(() => udp(name))).toBe("udp-ok");
    }
  });
});
