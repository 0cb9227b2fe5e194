import { optionPosition } from "../../model/option-position.js";
import * as z from "../../zod.js";
import { StackmodError } from "../../errors.js";
import { atLeast, sameNode } from "../shared/placement.js";
import { leaveHostNetwork } from "../shared/leave-host-network.js";
import { defineStrategy, type PortRequest, type TransformContext } from "../strategy.js";
import type { PortEntry } from "../../model/types.js";
import { planPorts, writePorts, type PortsPlan } from "./ports.js";
import { publishFlows } from "./flows.js";

/** More ports than this in one range are not written out one by one (that is what host networking is for). */
const maxRange = 100;

const publishOptions = z.object({
  hostIp: z
    ._default(z.string().check(z.regex(/^$|^[0-9.]+$/, "expected an IPv4 address such as 127.0.0.1")), "")
    .check(z.describe("Compose: bind the published ports to this host address only (e.g. 127.0.0.1); empty: all")),
});

type PublishOptions = z.infer<typeof publishOptions>;

/**
 * The service leaves the host network and publishes the ports it received there, at the same
 * numbers: `mode: host` in Swarm (served on the node that runs the task, like before, with the
 * client's own source address), plain `ports:` in Compose. No extra container.
 */
export const publish = defineStrategy({
  name: "publish",
  summary: "the service leaves the host network and publishes its host ports at the same numbers (mode: host)",
  optionsKey: "publish",
  optionsSchema: publishOptions,
  flags: [],
  flows: publishFlows,
  undecided: { withPorts: "publish" },
  apply(ctx) {
    const { service, model, edits, notes, common } = ctx;
    const compose = model.dialect === "compose";
    if (common.ports.length === 0) {
      throw new StackmodError(
        "NO_PORT",
        `service "${service.name}" needs the ports it receives on the host for the publish strategy, and ` +
          `none could be found; add \`x-stackmod: {ports: ["53/udp", 53]}\` to the service, or pass --port ` +
          `${service.name}=PORT/PROTO`,
        service.position,
      );
    }
    if (!compose && !atLeast(model.version, 3, 2)) {
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service.name}": publish writes long-syntax ports with mode: host, which need file format ` +
          `3.2; this file says version ${model.version}: raise version to "3.2" or later, or use --strategy ` +
          "proxy",
        service.position,
      );
    }
    if (!compose && ctx.options.hostIp !== "") {
      throw new StackmodError(
        "BAD_OPTION",
        `service "${service.name}": publish.hostIp is for Compose; in Swarm a mode: host port is bound on ` +
          "every address of the node",
        optionPosition(model, service, "publish", ["hostIp"], ctx.options.hostIp) ?? service.position,
      );
    }
    const wanted = expand(ctx, common.ports);
    const plan = planPorts(ctx, wanted);
    leaveHostNetwork(service, edits);
    writePorts(ctx, plan);
    if (plan.changed.length > 0 || plan.removed.length > 0) notes.info(oldPortsNote(service.name, plan, compose));
    const list = [...wanted.keys()].join(", ");
    const onIp = ctx.options.hostIp ? ` on ${ctx.options.hostIp}` : "";
    notes.info(
      compose
        ? `${service.name}: moved off the host network; publishes ${list} at the same ` +
            `numbers${onIp} (ports from ${common.portsSource})`
        : `${service.name}: moved off the host network; publishes ${list} with mode: host at the same numbers, ` +
            `on the node that runs it (ports from ${common.portsSource})`,
    );
    if (!compose && !sameNode(service).holds) {
      notes.info(
        `${service.name}: as on the host network, its ports answer only on the node that runs the task, ` +
          "which its placement does not fix; pin it (node.hostname == NODE) if clients send to one address",
      );
    }
    return { applied: true };
  },
  // Unicast listeners only: published at the same numbers, they answer as they did, with the client's address.
  chooseFor: (reading) => (reading.kind === "unicast" ? { options: {}, reason: reading.reason } : undefined),
});

function expand(ctx: TransformContext<PublishOptions>, ports: PortRequest[]): Map<string, PortRequest> {
  const wanted = new Map<string, PortRequest>();
  for (const port of ports) {
    if (port.published !== undefined && port.published !== port.target) {
      throw new StackmodError(
        "BAD_OPTION",
        `service "${ctx.service.name}": publish keeps each port at its own number, so ` +
          `${port.published}:${port.target} cannot be honoured; write ${port.target}/${port.protocol}, or use ` +
          "--strategy proxy",
        ctx.service.position,
      );
    }
    wanted.set(`${port.target}/${port.protocol}`, { ...port, published: port.target });
  }
  const ranges = (ctx.analysis?.hostPorts ?? []).filter((p) => p.rangeEnd !== undefined && p.source !== "options");
  for (const { port: start, rangeEnd, protocol } of ranges) {
    const range = { start, end: rangeEnd!, protocol };
    if (range.end - range.start + 1 > maxRange) {
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${ctx.service.name}" listens on ${range.start}-${range.end}/${range.protocol}: more than ` +
          `${maxRange} ports are not published one by one; keep it on the host with --direction outbound`,
        ctx.service.position,
      );
    }
    for (let p = range.start; p <= range.end; p += 1)
      wanted.set(`${p}/${range.protocol}`, { target: p, published: p, protocol: range.protocol });
  }
  return wanted;
}

/**
 * What became of the service's old entries: on the host network they did nothing (or were refused, in ingress mode).
 */
function oldPortsNote(name: string, plan: PortsPlan, compose: boolean): string {
  const list = (entries: PortEntry[]) => entries.map((p) => p.raw ?? `${p.target ?? "?"}/${p.protocol}`).join(", ");
  const where = plan.inPlace ? "changed where they stand" : "changed in a `ports:` list of its own";
  const parts = [
    ...(plan.changed.length > 0 ? [`${where}: ${list(plan.changed)}`] : []),
    ...(plan.removed.length > 0
      ? [`removed (not a port it receives, or a second entry for one): ${list(plan.removed)}`]
      : []),
  ];
  const how = compose ? "at its own number" : "at its own number in mode: host";
  const rule = `take effect off the host network, where each port must be published ${how}`;
  return `${name}: its old \`ports:\` entries ${rule}; ${parts.join("; ")}`;
}
