// Scenario 3: proxy, outbound. The gateway stays on the host network; the stack rewritten by the real CLI with
// `--direction outbound` converges, and a client on the overlay reaches the gateway by its old name through the
// generated proxy (which finds the node as its default gateway, docker_gwbridge), over UDP and TCP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { defaultProxyImage } from "../../transforms/proxy.js";
import { e2eEngine } from "./context.js";
import { docker } from "./engine.js";
import { buildImage, SOCAT_IMAGE } from "./images.js";
import { removeStackNow, rewriteToFile, runningTask } from "./scenario.js";
import { deployStack, execInService, waitConverged } from "./stack.js";
import { timed } from "./timing.js";
import { nonce } from "./traffic.js";

const engine = e2eEngine();
const INPUT = fileURLToPath(new URL("./stacks/gateway.yml", import.meta.url));
const DNSRR = fileURLToPath(new URL("./stacks/outbound-dnsrr.override.yml", import.meta.url));
const STACK = "e2eoutbound";
const CLIENT = `${STACK}_client`;

describe.skipIf(!engine)("proxy, outbound (real engine)", () => {
  const e = engine!;
  let gatewayHostname = "";

  beforeAll(async () => {
    await timed(e.dir, "proxy outbound: rewrite, deploy, converge", async () => {
      await buildImage(e, defaultProxyImage, SOCAT_IMAGE);
      const { file, text } = await rewriteToFile(e, INPUT, ["--direction", "outbound"]);
      expect(text).toContain(`image: ${defaultProxyImage}`);
      // the rewrite unchanged, plus endpoint_mode: dnsrr for the proxy (no IPVS here; see the override file)
      await deployStack(e, [file, DNSRR], STACK);
      const services = await waitConverged(e, STACK, 60_000);
      expect(services.map((s) => s.name).sort()).toEqual([CLIENT, `${STACK}_gateway`, `${STACK}_gateway-proxy`]);
    });
  });
  afterAll(() => timed(e.dir, "proxy outbound: remove", () => removeStackNow(e, STACK)));

  it("the engine runs the gateway on the host network only and the proxy on the overlay, answering as the gateway", async () => {
    const gateway = await runningTask(e, `${STACK}_gateway`);
    expect(gateway.networks).toEqual(["host"]);
    gatewayHostname = (await docker(e, ["inspect", "--format", "{{.Config.Hostname}}", gateway.id])).stdout.trim();
    expect(gatewayHostname).not.toBe("");
    const proxy = await runningTask(e, `${STACK}_gateway-proxy`);
    expect(proxy.networks).toEqual([`${STACK}_app`]);
    const spec = await docker(e, [
      "service",
      "inspect",
      "--format",
      "{{json .Spec.TaskTemplate.Networks}}",
      `${STACK}_gateway-proxy`,
    ]);
    const attachments = JSON.parse(spec.stdout) as { Aliases?: string[] }[];
    expect(attachments).toHaveLength(1);
    expect(attachments[0]!.Aliases).toContain("gateway");
    const mode = await docker(e, [
      "service",
      "inspect",
      "--format",
      "{{.Spec.EndpointSpec.Mode}}",
      `${STACK}_gateway-proxy`,
    ]);
    expect(mode.stdout.trim()).toBe("dnsrr");
  });

  it("UDP from a client on the overlay to gateway:21110 reaches the host-network gateway, and its reply comes back", async () => {
    const payload = nonce("udp");
    // a connected UDP socket: the reply must come from the address the client sent to
    const r = await execInService(e, CLIENT, ["timeout", "5", "socat", "-T2", "-", "UDP4:gateway:21110"], {
      input: `${payload}\n`,
    });
    expect(r.stdout.trim()).toBe(`gateway-udp ${payload} ${gatewayHostname}`);
  });

  it("TCP from a client on the overlay to gateway:21111 reaches the host-network gateway, and its reply comes back", async () => {
    const payload = nonce("tcp");
    const r = await execInService(
      e,
      CLIENT,
      ["timeout", "5", "socat", "-T2", "-", "TCP4:gateway:21111,connect-timeout=2"],
      { input: `${payload}\n` },
    );
    expect(r.stdout.trim()).toBe(`gateway-tcp ${payload} ${gatewayHostname}`);
  });
});
