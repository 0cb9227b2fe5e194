import type { Node } from "yaml";
import { rewireReferences } from "./rewire-references.js";
import * as z from "../../zod.js";
import { StackmodError } from "../../errors.js";
import { dropIngressPorts } from "../../rules/host-ingress-port.js";
import { optionPosition } from "../../model/option-position.js";
import { resolvedData } from "../../model/interpolate.js";
import { atLeast, placementOf, requireSameNode } from "../shared/placement.js";
import { labelEntries } from "../shared/port-discovery.js";
import { noPortMessage } from "./port-hints.js";
import { chooseProxy, completeProxy, overlayPorts } from "./decisions.js";
import { sayNewExposure } from "./exposure.js";
import { proxyFlows, type ProxyPlacement } from "./flows.js";
import { restartOf } from "../shared/restart.js";
import { leaveHostNetwork } from "../shared/leave-host-network.js";
import { escapeForCompose, forwarderScript, gatewayVariable, type Forward } from "./socat.js";
import { defineStrategy, type PortRequest, type TransformContext } from "../strategy.js";
import type { Plain } from "../../edit/render.js";

export const defaultProxyImage = "alpine/socat:1.8.0.1";

const proxyOptions = z.object({
  direction: z
    ._default(z.enum(["inbound", "outbound"]), "inbound")
    .check(
      z.describe(
        "inbound: the service moves to the overlay and a host-network proxy forwards host traffic to it; " +
          "outbound: the service stays on the host and an overlay proxy carries cluster traffic to it",
      ),
    ),
  publish: z
    ._default(z.enum(["ingress", "host"]), "ingress")
    .check(z.describe("inbound: how the service publishes the forwarded ports (mode ingress or mode host)")),
  image: z
    ._default(z.string().check(z.minLength(1)), defaultProxyImage)
    .check(z.describe("the proxy image; it must have /bin/sh and socat")),
  offset: z
    ._default(z.number().check(z.int(), z.minimum(1), z.maximum(64511)), 10000)
    .check(z.describe("inbound: published port = target + offset, unless ports give PUBLISHED:TARGET")),
  hostAddress: z
    ._default(
      z.string().check(z.regex(/^[A-Za-z0-9.:_-]+$/, "expected gateway, host-gateway, or a host name or IP address")),
      "gateway",
    )
    .check(
      z.describe(
        "outbound: how the overlay proxy reaches its own node: gateway (its default gateway, docker_gwbridge " +
          "in Swarm; TCP and UDP), host-gateway (host.docker.internal via extra_hosts; TCP only), or an address",
      ),
    ),
});

type ProxyOptions = z.infer<typeof proxyOptions>;

export const proxy = defineStrategy({
  name: "proxy",
  summary: "a host-network socat proxy plus the service on the overlay (inbound), or the reverse (outbound)",
  optionsKey: "proxy",
  optionsSchema: proxyOptions,
  flags: [
    { flags: "--direction <direction>", attribute: "direction", option: "direction", help: "inbound or outbound" },
    {
      flags: "--publish <mode>",
      attribute: "publish",
      option: "publish",
      help: "how the service publishes forwarded ports",
      values: "ingress or host",
    },
  ],
  apply(ctx) {
    if (ctx.common.ports.length === 0) {
      throw new StackmodError("NO_PORT", noPortMessage(ctx.service), ctx.service.position);
    }
    refuseSctp(ctx);
    if (ctx.options.direction !== "outbound") {
      const inbound: ProxyPlacement = { direction: "inbound", forwarded: applyInbound(ctx) };
      return { applied: true, placement: inbound, facts: { direction: "inbound" } };
    }
    applyOutbound(ctx);
    const carried = new Set(ctx.common.ports.map((p) => `${p.target}/${p.protocol}`));
    // The service stays on the host network, where the overlay's names do not resolve.
    const { model, service, analysis, edits, notes } = ctx;
    const rewired = analysis ? rewireReferences(model, service, analysis, edits, notes) : undefined;
    const outbound: ProxyPlacement = { direction: "outbound", carried, rewired };
    return { applied: true, placement: outbound, facts: { direction: "outbound" } };
  },
  flows: proxyFlows,
  chooseFor: chooseProxy,
  impliedBy: "direction",
  complete: completeProxy,
  portsFor: overlayPorts,
  undecided: {
    withPorts: "proxy for broadcasts",
    instead: "`--direction outbound` to keep it on the host",
  },
});

/**
 * The forwarders are socat's TCP and UDP addresses, and SCTP through docker-proxy, the gateway and
 * the proxy image could not be proven here (this kernel has no SCTP): an SCTP port would lose its
 * flow. publish keeps it: Docker publishes SCTP with mode: host at the same number.
 */
function refuseSctp(ctx: TransformContext<ProxyOptions>): void {
  const sctp = ctx.common.ports.filter((port) => port.protocol === "sctp");
  if (sctp.length === 0) return;
  const list = sctp.map((port) => `${port.target}/sctp`).join(", ");
  const who = ctx.options.direction === "outbound" ? "the overlay" : "the host side";
  const evidence = ctx.analysis?.hostPorts.find((p) => p.protocol === "sctp" && p.port === sctp[0]!.target)?.evidence;
  const written =
    evidence?.path === "x-stackmod.ports" ? optionPosition(ctx.model, ctx.service, "ports", []) : undefined;
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${ctx.service.name}" receives ${list}, which the proxy cannot forward (its socat forwarders ` +
      `carry TCP and UDP only): ${who} would no longer reach it; use --strategy publish (the port published ` +
      "with mode: host at the same number), split or lan",
    written ?? evidence?.position ?? ctx.service.position,
  );
}

/**
 * The service to the overlay, a forwarder on the host network: where each port goes, by `PORT/PROTO`
 * (0: the service publishes it itself at that number, no forwarder), for the flows.
 */
function applyInbound(ctx: TransformContext<ProxyOptions>): Map<string, number> {
  const { service, edits, options, model, notes } = ctx;
  const compose = model.dialect === "compose";
  const longSyntax = !compose && atLeast(model.version, 3, 2);
  const dnsrr =
    !compose && (resolvedData(service).deploy as { endpoint_mode?: unknown } | undefined)?.endpoint_mode === "dnsrr";
  // swarmkit refuses the pair (manager/controlapi/service.go, validateEndpointSpec).
  const mode = dnsrr ? "host" : options.publish;
  if (mode === "host" && !longSyntax && !compose) {
    throw new StackmodError(
      "UNSUPPORTED",
      dnsrr
        ? `service "${service.name}" has deploy.endpoint_mode: dnsrr, which Swarm refuses with ingress ports ` +
            `("port published with ingress mode can't be used with dnsrr mode"), and mode: host needs ` +
            `long-syntax ports, from file format 3.2; this file says version ${model.version}: raise version: to ` +
            `"3.2" or later, or use endpoint_mode: vip`
        : `publish: host needs long-syntax ports, from file format 3.2; this file says version ${model.version}`,
      service.position,
    );
  }
  if (dnsrr && options.publish === "ingress") {
    notes.info(
      `${service.name}: deploy.endpoint_mode is dnsrr, which Swarm refuses with ingress ports ("port ` +
        `published with ingress mode can't be used with dnsrr mode"): its forwarded ports are published with ` +
        "mode: host",
    );
  }
  const name = `${service.name}-proxy`;
  const forwards: Forward[] = [];
  const newPorts: Plain[] = [];
  const forwarded = new Map<string, number>();
  // The ports it publishes anew in ingress mode (`PUBLISHED/PROTO`), which now answer on every node.
  const exposed: string[] = [];
  let forwardsToHostMode = false;
  const requested = new Set(ctx.common.ports.map((p) => `${p.target}/${p.protocol}`));
  for (const port of ctx.common.ports) {
    const key = `${port.target}/${port.protocol}`;
    // Its own ports: entries were ignored on the host network and take effect once it leaves.
    const own = service.ports.find(
      (p) => p.target === port.target && p.protocol === port.protocol && p.published !== undefined,
    );
    if (own) {
      const how = compose ? "" : own.mode === "host" ? " with mode: host" : " in ingress mode";
      forwarded.set(key, own.published === port.target ? 0 : own.published!);
      if (own.published === port.target) {
        notes.info(
          `${service.name}: it publishes ${key} itself at the same host port${how}, which serves it once it ` +
            `is off the host network; no forwarder, so nothing binds ${key} twice`,
        );
        continue;
      }
      edits.claimHostListen(port.target, port.protocol, name, service);
      forwards.push({ protocol: port.protocol, listen: port.target, to: `127.0.0.1:${own.published}` });
      forwardsToHostMode ||= own.mode === "host";
      notes.info(
        `${service.name}: ${key} is forwarded to ${own.published}/${port.protocol}, which it already publishes${how}`,
      );
      continue;
    }
    const published = publishedPort(port, options.offset, ctx);
    edits.claimHostListen(port.target, port.protocol, name, service);
    edits.claimPublishedPort(published, port.protocol, service);
    forwards.push({ protocol: port.protocol, listen: port.target, to: `127.0.0.1:${published}` });
    newPorts.push(portEntry(port, published, { compose, longSyntax, mode }));
    forwarded.set(key, published);
    if (!compose && mode === "ingress") exposed.push(`${published}/${port.protocol}`);
  }
  const woken = service.ports.filter(
    (p) => p.published !== undefined && !requested.has(`${p.target}/${p.protocol}`) && (compose || p.mode === "host"),
  );
  if (woken.length > 0) {
    notes.info(
      `${service.name}: its ports ${woken.map((p) => `${p.published}:${p.target}/${p.protocol}`).join(", ")} ` +
        "were ignored on the host network and are published once it leaves it",
    );
  }

  if (forwards.length > 0 && (mode === "host" || forwardsToHostMode) && !compose) {
    requireSameNode(
      service,
      name,
      "its ports are published with mode: host, which serves them only on the node that runs its task, and " +
        "the proxy forwards to 127.0.0.1 on its own node",
      notes,
    );
  }
  const update = (service.data.deploy as { update_config?: { order?: unknown } } | undefined)?.update_config;
  if (newPorts.length > 0 && mode === "host" && !compose && update?.order === "start-first") {
    notes.warn(
      `${service.name}: its ports are now published with mode: host and its update_config says order: ` +
        "start-first: a new task cannot bind them on a node while the old one runs; use order: stop-first",
    );
  }
  const hostKey = leaveHostNetwork(ctx.service, ctx.edits);
  if (newPorts.length > 0) edits.appendToList(service, "ports", newPorts);
  if (forwards.length === 0) return forwarded;
  const body: Record<string, Plain> = {
    image: options.image,
    entrypoint: ["/bin/sh", "-c"],
    command: [escapeForCompose(forwarderScript(forwards))],
  };
  if (compose) body.network_mode = "host";
  else body.networks = [hostKey];
  const restart = restartOf(service, model.dialect, name, true, notes);
  if (restart.restart !== undefined) body.restart = restart.restart;
  const deploy = { ...(compose ? {} : placementOf(service)), ...restart.deploy };
  if (Object.keys(deploy).length > 0) body.deploy = deploy;
  edits.addServices(service, [[name, body]]);
  notes.info(
    `${service.name}: moved off the host network; "${name}" on the host network forwards ` +
      `${forwards.map((f) => `${f.listen}/${f.protocol}`).join(", ")} to it (ports from ` +
      `${ctx.common.portsSource})`,
  );
  sayNewExposure(service.name, exposed, notes);
  return forwarded;
}

function applyOutbound(ctx: TransformContext<ProxyOptions>): void {
  const { service, edits, options, model, notes } = ctx;
  const compose = model.dialect === "compose";
  // `none` beside them is dropped by its fix: the proxy does not join it either.
  const others = service.attachments.filter((a) => a.network?.special !== "host" && a.network?.special !== "none");
  const data = service.data.networks;
  const networks: Record<string, Plain> = {};
  for (const attachment of others) {
    const config =
      !Array.isArray(data) && data && typeof data === "object"
        ? ((data as Record<string, Plain>)[attachment.key] ?? {})
        : {};
    const aliases = Array.isArray((config as { aliases?: Plain[] }).aliases)
      ? (config as { aliases: Plain[] }).aliases
      : [];
    // Only the names travel: a fixed address (ipv4_address, ...) stays the service's own.
    networks[attachment.key] = { aliases: [...new Set([service.name, ...aliases.map(String)])] };
  }
  // With `network_mode: host` it stays on the host that way: a host attachment beside it goes too.
  const onHostByMode = service.networkMode?.value === "host";
  if (onHostByMode && compose) refuseMergedNetworks(ctx);
  edits.detach(service, (a) => onHostByMode || a.network?.special !== "host");
  if (!compose) dropIngressPorts(service, edits, notes);
  // It keeps listening on the host: nothing else the rewrite adds may take those ports.
  for (const port of ctx.common.ports) edits.claimHostListen(port.target, port.protocol, service.name, service);

  const host = targetHost(options.hostAddress);
  const forwards: Forward[] = ctx.common.ports.map((port: PortRequest) => ({
    protocol: port.protocol,
    listen: port.target,
    to: `${host}:${port.target}`,
  }));
  const name = `${service.name}-proxy`;
  const body: Record<string, Plain> = {
    image: options.image,
    entrypoint: ["/bin/sh", "-c"],
    command: [escapeForCompose(forwarderScript(forwards))],
    networks,
  };
  if (options.hostAddress === "host-gateway") {
    body.extra_hosts = ["host.docker.internal:host-gateway"];
    if (forwards.some((f) => f.protocol === "udp")) {
      notes.warn(
        `${service.name}: through host-gateway, UDP replies come back from another address and connected ` +
          "clients drop them; use proxy.hostAddress: gateway for UDP",
      );
    }
  }
  if (!compose && (options.hostAddress === "gateway" || options.hostAddress === "host-gateway")) {
    const through = options.hostAddress === "gateway" ? "its default gateway" : "host-gateway";
    requireSameNode(
      service,
      name,
      `the proxy reaches it through ${through}, which is the node the proxy runs on`,
      notes,
    );
  }
  moveTraefikLabels(ctx, body, name);
  const restart = restartOf(service, model.dialect, name, false, notes);
  if (restart.restart !== undefined) body.restart = restart.restart;
  const deploy = {
    ...(compose ? {} : placementOf(service)),
    ...(body.deploy as Record<string, Plain> | undefined),
    ...restart.deploy,
  };
  if (Object.keys(deploy).length > 0) body.deploy = deploy;
  edits.addServices(service, [[name, body]]);
  const forwardedTo = options.hostAddress === "gateway" ? "its default gateway (the node)" : options.hostAddress;
  notes.info(
    `${service.name}: stays on the host network; "${name}" on ${others.map((a) => a.key).join(", ")} answers ` +
      `as "${service.name}" and forwards ${forwards.map((f) => `${f.listen}/${f.protocol}`).join(", ")} to ` +
      `${forwardedTo} on the same node (ports from ${ctx.common.portsSource})`,
  );
}

/**
 * Compose takes `network_mode` only with no `networks:` at all (not even an empty one,
 * `docker-compose config`: "'network_mode' and 'networks' cannot be combined"). When a
 * merge gives the service `networks:`, it cannot be left with none without changing the
 * block it merges, which other services may merge too.
 */
function refuseMergedNetworks(ctx: TransformContext<ProxyOptions>): void {
  const { service, model } = ctx;
  const merged = model.resolver.beneath(service.map, "networks");
  const own = model.resolver.get(service.map, "networks");
  const shown = own && !own.local ? own : merged;
  if (!shown) return;
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${service.name}" stays on the host by \`network_mode: host\` (direction outbound), which ` +
      `Compose allows only with no \`networks:\`, but a merge key (<<) gives it the \`networks:\` here; ` +
      `stackmod does not change a block that services merge: move \`networks:\` out of it into the services ` +
      "that need it, or use --direction inbound",
    model.positionOf(shown.pair.key as Node | null),
  );
}

/**
 * Traefik routes to a service's address on its network; a host-network service has
 * none there, so the router and its labels move to the proxy, which answers on the
 * overlay at the same port.
 */
function moveTraefikLabels(ctx: TransformContext<ProxyOptions>, body: Record<string, Plain>, proxyName: string): void {
  const { service, model, edits, notes } = ctx;
  const inDeploy = model.dialect === "swarm";
  const source = inDeploy ? (service.data.deploy as { labels?: unknown } | undefined)?.labels : service.data.labels;
  const isTraefik = (key: string) => key.startsWith("traefik.");
  const moved = labelEntries(service).filter(([key]) => isTraefik(key));
  if (moved.length === 0 || source === undefined) return;
  if (!edits.removeLabels(service, inDeploy, isTraefik)) {
    notes.warn(`${service.name}: its Traefik labels come from an anchor; copy them to "${proxyName}" yourself`);
    return;
  }
  const labels: Plain = Array.isArray(source)
    ? moved.map(([key, value]) => `${key}=${value}`)
    : Object.fromEntries(moved);
  if (inDeploy) body.deploy = { labels };
  else body.labels = labels;
  notes.info(`${service.name}: moved its Traefik labels to "${proxyName}", which Traefik can reach on the overlay`);
}

function targetHost(hostAddress: string): string {
  if (hostAddress === "gateway") return gatewayVariable;
  if (hostAddress === "host-gateway") return "host.docker.internal";
  return hostAddress;
}

function publishedPort(port: PortRequest, offset: number, ctx: TransformContext<ProxyOptions>): number {
  const published = port.published ?? port.target + offset;
  if (published > 65535) {
    throw new StackmodError(
      "BAD_OPTION",
      `port ${port.target}/${port.protocol} of "${ctx.service.name}" plus the offset ${offset} is over ` +
        `65535; give the published port yourself: ports: ["PUBLISHED:${port.target}/${port.protocol}"]`,
      ctx.service.position,
    );
  }
  return published;
}

function portEntry(
  port: PortRequest,
  published: number,
  how: { compose: boolean; longSyntax: boolean; mode: string },
): Plain {
  const protocol = port.protocol === "tcp" ? "" : `/${port.protocol}`;
  if (how.compose) return `127.0.0.1:${published}:${port.target}${protocol}`;
  if (!how.longSyntax) return `${published}:${port.target}${protocol}`;
  return { target: port.target, published, protocol: port.protocol, mode: how.mode };
}
