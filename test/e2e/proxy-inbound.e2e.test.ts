// Scenario 2: proxy, inbound. The gateway stack rewritten by the real CLI with `--publish host` (the only
// publishing mode that works on a kernel without IPVS) converges, and UDP and TCP sent to the node's ports on
// the host side reach the gateway, now on the overlay only, through the host-network proxy, with replies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { defaultProxyImage } from "../../transforms/proxy.js";
import { stackmod } from "./cli.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce, tcpFromHost, udpFromHost } from "./traffic.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/gateway.yml", import.meta.url));
const STACK = "e2einbound";

describe.skipIf(!engine)("proxy, inbound, --publish host (real engine)", () => {
  const e = engine!;
  let gatewayId = "";

  beforeAll(async () => {
    await timed(e.dir, "proxy inbound: rewrite, deploy, converge", async () => {
      await buildImage(e, defaultProxyImage, SOCAT_IMAGE);
      expect((await stackmod(["check", INPUT])).code).toBe(1);
      const { file, text } = await rewriteToFile(e, INPUT, ["--publish", "host"]);
      expect(text).toContain(`image: ${defaultProxyImage}`);
      await deployStack(e, file, STACK);
      const services = await waitConverged(e, STACK, 60_000);
      expect(services.map((s) => s.name).sort()).toEqual([
        `${STACK}_client`,
        `${STACK}_gateway`,
        `${STACK}_gateway-proxy`,
      ]);
    });
  });
  afterAll(() => timed(e.dir, "proxy inbound: remove", () => removeStackNow(e, STACK)));

  it("the engine runs the gateway on the overlay only, publishing mode host, and the proxy on the host network", async () => {
    const gateway = await runningTask(e, `${STACK}_gateway`);
    gatewayId = gateway.id;
    expect(gateway.networks).toEqual([`${STACK}_app`]);
    expect((await runningTask(e, `${STACK}_gateway-proxy`)).networks).toEqual(["host"]);
    const ports = await docker(e, [
      "service",
      "inspect",
      "--format",
      "{{range .Endpoint.Ports}}{{.PublishMode}} {{.Protocol}} {{.PublishedPort}}:{{.TargetPort}};{{end}}",
      `${STACK}_gateway`,
    ]);
    expect(ports.stdout.trim().split(";").filter(Boolean).sort()).toEqual([
      "host tcp 31111:21111",
      "host udp 31110:21110",
    ]);
  });

  it("a UDP datagram to 127.0.0.1:21110 on the node reaches the gateway on the overlay, and its reply comes back", async () => {
    const payload = nonce("udp");
    expect(await udpFromHost("127.0.0.1", 21110, payload)).toBe(`gateway-udp ${payload} ${gatewayId.slice(0, 12)}`);
  });

  it("a TCP connection to 127.0.0.1:21111 on the node reaches the gateway on the overlay, and its reply comes back", async () => {
    const payload = nonce("tcp");
    expect(await tcpFromHost("127.0.0.1", 21111, payload)).toBe(`gateway-tcp ${payload} ${gatewayId.slice(0, 12)}`);
  });
});
