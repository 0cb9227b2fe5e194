import type { Node } from "yaml";
import { StackmodError } from "../../errors.js";
import { checkConsistency } from "./consistency.js";
import { networkBody } from "./network-body.js";
import { lanOptions, type LanOptions } from "./options.js";
import { scriptPath } from "./script-path.js";
import { setupScript, setupScriptSignature, type LanNetwork } from "./setup-script.js";
import { networkWarnings } from "./warnings.js";
import { lanBlockPosition, lanOptionPosition } from "./where.js";
import type { ServiceModel } from "../../model/types.js";
import { defineStrategy, type TransformContext } from "../strategy.js";
import { lanFlags } from "./flags.js";
import { lanFlows } from "./flows.js";

/** What one rewrite has set up so far: networks by name (shared by services), scripts by path. */
interface RunState {
  networks: Map<string, { network: LanNetwork; key: string; by: string }>;
  scripts: Map<string, LanNetwork[]>;
}

export const lan = defineStrategy({
  name: "lan",
  summary:
    "the service leaves the host network for a macvlan/ipvlan network on the LAN (its own LAN address), with " +
    "a setup script",
  optionsKey: "lan",
  optionsSchema: lanOptions,
  flags: lanFlags,
  newRun: (): RunState => ({ networks: new Map(), scripts: new Map() }),
  flows: lanFlows,
  apply(ctx) {
    const { model, service, edits, notes, state } = ctx;
    const network = lanNetwork(ctx);
    const dialect = model.dialect;

    const known = state.networks.get(network.name);
    let key: string;
    if (known) {
      if (JSON.stringify(known.network) !== JSON.stringify(network)) {
        throw new StackmodError(
          "BAD_OPTION",
          `lan: service "${service.name}" asks for the network "${network.name}" with other settings than ` +
            `"${known.by}" did; give one of them another lan.network, or the same settings`,
          lanBlockPosition(model, service),
        );
      }
      key = known.key;
    } else {
      key = declare(ctx, network);
      state.networks.set(network.name, { network, key, by: service.name });
      for (const warning of networkWarnings(network, dialect)) notes.warn(warning);
    }

    const hosts = service.attachments.filter((a) => a.network?.special === "host");
    edits.leavingHost(service);
    if (hosts.length > 0) {
      edits.replaceAttachment(service, hosts, key);
      if (service.networkMode?.value === "host") edits.removeKey(service, "network_mode");
    } else {
      edits.removeKey(service, "network_mode");
      edits.attach(service, key);
    }

    if (dialect === "compose") {
      notes.info(
        `${service.name}: moved from the host network to "${key}" (${network.driver} on ${network.parent}, ` +
          `${network.subnet}), which docker compose creates; no setup script needed`,
      );
      return { applied: true };
    }
    const path = scriptPath(ctx.files.beside, ctx.options.script);
    const inScript = state.scripts.get(path) ?? [];
    if (!inScript.some((n) => n.name === network.name)) inScript.push(network);
    state.scripts.set(path, inScript);
    ctx.files.put({
      path,
      content: setupScript(ctx.files.beside, path, inScript),
      mode: 0o755,
      signature: setupScriptSignature,
      pathOption: "lan.script (or --lan-script)",
      origin:
        ctx.options.script === undefined
          ? service.position
          : lanOptionPosition(model, service, ["script"], ctx.options.script),
    });
    notes.info(
      `${service.name}: moved from the host network to the external network "${network.name}" ` +
        `(${network.driver} on ${network.parent}, ${network.subnet}); before deploying, run ${path} on every ` +
        "node, managers included",
    );
    if (service.ports.length > 0) {
      notes.warn(
        `${service.name}: its published ports are served through the routing mesh and its other networks, ` +
          `not at its address on "${network.name}"; on the LAN, reach it at its own address`,
      );
    }
    return { applied: true };
  },
});

/** The network the options describe, every value checked; an error points at the value at fault. */
function lanNetwork(ctx: TransformContext<LanOptions, RunState>): LanNetwork {
  const { model, service, options } = ctx;
  const where = (path: string[], value: unknown) => lanOptionPosition(model, service, path, value);
  const missing = [
    options.parent === undefined ? "`lan.parent` (the interface on every node, e.g. eth0; --lan-parent)" : undefined,
    options.subnet === undefined ? "`lan.subnet` (the LAN's subnet, e.g. 192.168.50.0/24; --lan-subnet)" : undefined,
  ].filter((m) => m !== undefined);
  if (missing.length > 0) {
    throw new StackmodError(
      "BAD_OPTION",
      `lan: service "${service.name}" needs ${missing.join(" and ")}; stackmod does not guess them`,
      lanBlockPosition(model, service),
    );
  }
  if (options.ipvlanMode !== undefined && options.driver !== "ipvlan") {
    throw new StackmodError(
      "BAD_OPTION",
      `lan: ipvlanMode ${options.ipvlanMode} needs driver ipvlan, but the driver is ${options.driver}`,
      where(["ipvlanMode"], options.ipvlanMode),
    );
  }
  const ranges = Object.entries(options.ipRanges ?? {}).map(([node, range]) => ({ node, range }));
  checkConsistency({
    subnet: { text: options.subnet!, at: where(["subnet"], options.subnet) },
    gateway:
      options.gateway === undefined ? undefined : { text: options.gateway, at: where(["gateway"], options.gateway) },
    ipRanges: ranges.map(({ node, range }) => ({ node, text: range, at: where(["ipRanges", node], range) })),
  });
  if (model.dialect === "compose" && ranges.length > 1) {
    throw new StackmodError(
      "BAD_OPTION",
      `lan: a Compose file runs on one host, but lan.ipRanges gives ${ranges.length} nodes ` +
        `(${ranges.map((r) => r.node).join(", ")}); keep the one range of this host`,
      where(["ipRanges"], options.ipRanges),
    );
  }
  return {
    name: options.network ?? `${options.parent!}-lan`,
    driver: options.driver,
    ipvlanMode: options.driver === "ipvlan" ? (options.ipvlanMode ?? "l2") : undefined,
    parent: options.parent!,
    subnet: options.subnet!,
    gateway: options.gateway,
    ipRanges: ranges,
  };
}

/**
 * The key of the network in the file's top-level `networks:`. A stack file may
 * already declare the external network (the user did part of the work): reuse that
 * key. Any other network of that key or name is a collision, never overwritten.
 */
function declare(ctx: TransformContext<LanOptions, RunState>, network: LanNetwork): string {
  const { model, service, edits } = ctx;
  const dialect = model.dialect;
  if (dialect === "swarm") {
    const existing = [...model.networks.values()].find((n) => n.external && n.name === network.name);
    if (existing) return existing.key;
  }
  const clash = [...model.networks.values()].find((n) => n.key === network.name || n.name === network.name);
  if (clash) {
    const notExternal = dialect === "swarm" ? " (it is not the external network of that name)" : "";
    throw new StackmodError(
      "NAME_COLLISION",
      `lan: the network "${network.name}" for "${service.name}" would clash with the network "${clash.key}" ` +
        `declared in this file${notExternal}; ` +
        "choose another name with lan.network (--lan-network)",
      declaredAt(ctx, service, clash.key),
    );
  }
  edits.declare("networks", network.name, networkBody(network, dialect));
  return network.name;
}

function declaredAt(ctx: TransformContext<LanOptions, RunState>, service: ServiceModel, key: string) {
  const declared = ctx.model.networks.get(key)?.entry.pair.key as Node | null | undefined;
  return declared?.range ? ctx.model.positionOf(declared) : service.position;
}
