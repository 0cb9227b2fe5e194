import type { Node } from "yaml";
import { StackmodError, type SourcePosition } from "../../errors.js";
import type { Attachment, ServiceModel, StackModel } from "../../model/types.js";
import { optionPosition } from "../../model/option-position.js";
import { atLeast, placementOf, requireSameNode } from "../shared/placement.js";
import { labelEntries } from "../shared/port-discovery.js";
import { restartOf } from "../shared/restart.js";
import { collectorAddresses, replaceReference } from "./collector-addresses.js";
import { splitNames } from "./names.js";
import { inProtocol } from "../shared/reach-from-host.js";
import { evidenceAt } from "../../analysis/reading.js";
import { queueDocs } from "./queues/describe.js";
import { queueKindNames, queueKinds, secretPath, type QueueKind, type QueueSecrets } from "./queues/index.js";
import { queueService, secretNames, volumeName } from "./queues/service.js";
import { environmentWith, namesIn, type EnvVar } from "../../edit/service-edits.js";
import { splitFlows } from "./flows.js";
import { defineStrategy, type TransformContext } from "../strategy.js";
import type { Plain } from "../../edit/render.js";
import { splitOptions, withDefaults, type SplitOptions, type SplitSettings } from "./queues/options.js";

/** A queue this run created or found, for split services that share it. */
interface QueueState {
  kind: QueueKind;
  published: number;
  networks: Set<string>;
  secrets: QueueSecrets | undefined;
}

/** The queues this run has created or found, by service name: services sharing a queue find an earlier one's. */
interface RunState {
  queues: Map<string, QueueState>;
}

type Ctx = TransformContext<SplitOptions, RunState>;

export const split = defineStrategy({
  name: "split",
  summary:
    "a collector on the host network and a processor on the overlay (the service renamed in place), joined " +
    "by a queue service",
  optionsKey: "queue",
  optionsSchema: splitOptions,
  flags: [
    {
      flags: "--publish <mode>",
      attribute: "publish",
      option: "publish",
      help: "the queue its port",
      values: "ingress or host",
    },
    {
      flags: "--queue <kind>",
      attribute: "queue",
      option: "kind",
      help: `the queue between collector and processor (${queueKindNames.join(", ")})`,
    },
    {
      flags: "--processor-constraint <expr>",
      attribute: "processorConstraint",
      option: "processor.constraints",
      help: "where the processor runs instead of the service's placement, e.g. 'node.role == manager'",
      repeatable: true,
    },
  ],
  newRun: (): RunState => ({ queues: new Map() }),
  apply(ctx) {
    const { service, model, edits, notes } = ctx;
    const settings = withDefaults(ctx.options, service.name);
    const kind = queueKinds[settings.kind];
    if (!kind.topic.pattern.test(settings.topic)) {
      throw new StackmodError(
        "BAD_OPTION",
        `\`queue.topic\`: ${JSON.stringify(settings.topic)} is refused by ${kind.name}; expected ${kind.topic.rule}`,
        queueOptionPosition(ctx, "topic"),
      );
    }
    const compose = model.dialect === "compose";
    const host = service.attachments.find((a) => a.network?.special === "host");
    const keep = service.attachments.filter((a) => a.network?.special === undefined);
    const names = splitNames(service.name, settings.shared);
    edits.claimServiceName(names.processor, service);
    refuseSharedNamespace(model, service, names);

    const queue = findOrPlanQueue(ctx, settings, kind, names.queue, keep);
    const env = (role: "collector" | "processor", address: string): EnvVar[] => [
      [settings.env.url, `${kind.scheme}://${address}`],
      [settings.env.topic, settings.topic],
      [settings.env.role, role],
      ...(queue.state.secrets?.user ? [[settings.env.userFile, secretPath(queue.state.secrets.user)] as EnvVar] : []),
      ...(queue.state.secrets ? [[settings.env.passwordFile, secretPath(queue.state.secrets.password)] as EnvVar] : []),
    ];
    const processorEnv = env("processor", `${names.queue}:${kind.port}`);
    const collectorEnv = env("collector", `127.0.0.1:${queue.state.published}`);
    const taken = [...namesIn(service.data.environment)].filter((name) => processorEnv.some(([k]) => k === name));
    if (taken.length > 0) {
      throw new StackmodError(
        "NAME_COLLISION",
        `service "${service.name}" already sets ${taken.join(", ")}; give the split's variables other names ` +
          `with \`queue.env\``,
        service.position,
      );
    }
    const secrets = queue.state.secrets ? secretNames(queue.state.secrets) : [];

    // The processor is the service itself, renamed: its comments, anchors and key order stay.
    edits.renameService(service, names.processor);
    if (settings.processor.image) edits.setKey(service, "image", settings.processor.image);
    if (settings.processor.command) edits.setKey(service, "command", settings.processor.command);
    if (settings.processor.constraints) placeProcessor(ctx, settings.processor.constraints, names);
    edits.keepNetworksWithAlias(service, keep, service.name);
    if (service.data.network_mode !== undefined) edits.removeKey(service, "network_mode");
    if (service.data.ports !== undefined) {
      edits.removeKey(service, "ports");
      notes.info(
        `${names.processor}: dropped its ports; "${names.collector}" on the host network listens on the host directly`,
      );
    }
    dropHostPrivileges(ctx, names);
    const ownSecrets = secretSources(service.data.secrets);
    const missingSecrets = secrets.filter((s) => !ownSecrets.includes(s));
    const addSecrets = () => {
      if (missingSecrets.length > 0) edits.appendToList(service, "secrets", missingSecrets);
    };
    // A `secrets:` the service has gets its items first: when it is the service's last key, its new items and
    // a new `environment:` are inserted at the same offset, in the order they are added. A new `secrets:`
    // comes after the environment, as before.
    if (service.data.secrets !== undefined) addSecrets();
    edits.addEnvironment(service, processorEnv);
    if (service.data.secrets === undefined) addSecrets();
    edits.renameReferences(service.name, names.processor);

    const collector = collectorBody(ctx, host, collectorEnv, secrets);
    edits.addServices(service, [
      [names.collector, collector],
      ...(queue.body ? [[names.queue, queue.body] as [string, Plain]] : []),
    ]);
    edits.copies.set(names.collector, service.name);
    if (queue.body) {
      if (kind.dataPath) edits.declare("volumes", volumeName(names.queue), {});
      for (const secret of secrets)
        edits.declare("secrets", secret, compose ? { file: `./secrets/${secret}` } : { external: true });
    }

    notes.info(
      `${service.name}: split into "${names.collector}" (host network) and "${names.processor}" ` +
        `(${keep.map((a) => a.key).join(", ")}, alias "${service.name}"), joined by ${kind.name} at ` +
        `"${names.queue}" (published ${queue.state.published}, topic "${settings.topic}")`,
    );
    notes.info(`${service.name}: ${kind.delivery}`);
    if (queue.body && queue.state.secrets) {
      const how = compose
        ? secrets.map((s) => `./secrets/${s}`).join(", ") + " (files beside the compose file)"
        : secrets.map((s) => `\`printf %s VALUE | docker secret create ${s} -\``).join(", ");
      notes.warn(`${names.queue}: create its credentials before deploying: ${how}`);
    }
    if (queue.body && !compose) {
      const nodes = settings.publish === "host" ? "the queue's node" : "every node";
      const orAuth = kind.auth === "optional" && !queue.state.secrets ? " or set queue.auth: true" : "";
      notes.warn(
        `${names.queue}: port ${queue.state.published} is open on ${nodes}; ` +
          `firewall it from outside the cluster${orAuth}`,
      );
    }
    if (labelEntries(service).some(([key]) => key.startsWith("traefik."))) {
      notes.warn(
        `${service.name}: its Traefik labels are now on both "${names.processor}" and "${names.collector}"; ` +
          "keep them on the half that serves HTTP",
      );
    }
    if (!ctx.analysis) return { applied: true };
    return { applied: true, placement: { collector: collectorAddresses(model, ctx.analysis) } };
  },
  flows: splitFlows,
});

/**
 * Keys that open the host to the container: its devices (a USB Coral or a serial
 * Zigbee stick cannot be opened by two containers), its privileges and the host's
 * namespaces. The collector on the host network is the half that touches the host,
 * so it keeps them; the processor on the overlay handles messages and gets none.
 */
const hostBound: { key: string; what: string; only?: string }[] = [
  { key: "devices", what: "host devices" },
  { key: "device_cgroup_rules", what: "device access rules" },
  { key: "gpus", what: "GPUs" },
  { key: "privileged", what: "full access to the host" },
  { key: "cap_add", what: "added capabilities" },
  { key: "pid", what: "the host's process namespace", only: "host" },
  { key: "ipc", what: "the host's IPC namespace", only: "host" },
  { key: "uts", what: "the host's hostname namespace", only: "host" },
  { key: "userns_mode", what: "the host's user namespace", only: "host" },
  { key: "cgroup", what: "the host's cgroup namespace", only: "host" },
];

/** The host-bound keys of the service, in the order of the list above, with their values. */
function hostBoundKeys(data: Record<string, unknown>): { key: string; what: string }[] {
  return hostBound.filter(({ key, only }) => {
    const value = data[key];
    if (value === undefined || value === null || value === false) return false;
    if (Array.isArray(value) && value.length === 0) return false;
    return only === undefined || String(value) === only;
  });
}

/** Takes the host-bound keys off the processor (the service renamed in place), and says which. */
function dropHostPrivileges(ctx: Ctx, names: { processor: string; collector: string }): void {
  const { edits, service, notes } = ctx;
  const found = hostBoundKeys(service.data);
  if (found.length === 0) return;
  for (const { key } of found) {
    const entry = ctx.model.resolver.get(service.map, key);
    if (entry?.local) edits.removeKey(service, key);
    else if (key === "privileged") edits.setKey(service, key, false);
    else if (Array.isArray(service.data[key])) edits.setKey(service, key, []);
    else {
      // A namespace mode merged in from an anchor: no value means "the default" when written.
      throw new StackmodError(
        "UNSUPPORTED",
        `service "${service.name}" gets \`${key}: ${String(service.data[key])}\` through a merge key, which ` +
          `split cannot take off "${names.processor}"; move it out of the shared anchor, then rewrite`,
        service.position,
      );
    }
  }
  const list = found.map(({ key, what }) => `${key} (${what})`).join(", ");
  notes.info(
    `${names.processor}: does not get ${list}; "${names.collector}" on the host network keeps them (a device ` +
      "cannot be opened by both halves); give the processor back what it needs itself",
  );
}

/**
 * The processor needs nothing from the host: it reaches the queue by name over the overlay from any
 * node, so `queue.processor.constraints` may put it elsewhere. Only its constraints change; the
 * collector (and a queue published in mode host, which must be beside it) keep the service's placement.
 */
function placeProcessor(ctx: Ctx, constraints: string[], names: { processor: string; queue: string }): void {
  const { service, edits, notes, model } = ctx;
  if (model.dialect === "compose") {
    notes.warn(
      `${names.processor}: \`queue.processor.constraints\` ignored: a Compose file runs every service on its one host`,
    );
    return;
  }
  const placement = (placementOf(service).placement ?? {}) as { constraints?: unknown };
  const own = Array.isArray(placement.constraints) ? placement.constraints.map(String) : [];
  if (constraints.length > 0 || own.length > 0)
    edits.setNested(service, ["deploy", "placement", "constraints"], constraints);
  // swarmkit takes tabs and line breaks in a value: a report line must not show them raw.
  const shown = (list: string[]) => list.map((c) => (/[\t\n\f\r]/.test(c) ? JSON.stringify(c) : c)).join(", ");
  const where = constraints.length > 0 ? `on ${shown(constraints)}` : "on any node";
  const instead = own.length > 0 ? `instead of the service's ${shown(own)}` : "(the service had no constraint)";
  notes.info(
    `${names.processor}: placed by queue.processor.constraints ${where} ${instead}; it reaches ` +
      `"${names.queue}" over the overlay from there`,
  );
  const volumes = Array.isArray(service.data.volumes) ? service.data.volumes.length : 0;
  if (volumes > 0) {
    notes.warn(
      `${names.processor}: its volumes are mounted on whichever node it now runs on; a bind mount or a local ` +
        "volume does not move with it",
    );
  }
}

/** The service's keys the collector does not get (the networks are the host network's, see collectorBody). */
const notCopied = new Set(["ports", "x-stackmod", "container_name", "links"]);

/** The collector: the service's own settings on the host network only, without its ports. */
function collectorBody(
  ctx: Ctx,
  host: Attachment | undefined,
  env: EnvVar[],
  secrets: string[],
): Record<string, Plain> {
  const compose = ctx.model.dialect === "compose";
  const body: Record<string, Plain> = {};
  const hostNetwork = (): void => {
    if (compose) body.network_mode = "host";
    else body.networks = [host?.key ?? "host"];
  };
  const data = ctx.service.data;
  // In the order the file writes them (the model's data follows its schema's order).
  const keys = [
    ...new Set([...ctx.model.resolver.entries(ctx.service.map).map((e) => e.key), ...Object.keys(data)]),
  ].filter((k) => k in data);
  for (const key of keys) {
    const value = data[key];
    if (key === "networks" || key === "network_mode") {
      if (!("networks" in body) && !("network_mode" in body)) hostNetwork();
    } else if (key === "environment") body.environment = environmentWith(value, env);
    // The processor keeps the container name; Compose refuses two containers of one name. The engine refuses
    // links on the host network ("conflicting options: host type networking can't be used with links").
    else if (!notCopied.has(key) && !unset(key, value)) body[key] = value as Plain;
  }
  if (data.links !== undefined) {
    const { collector, processor } = splitNames(ctx.service.name);
    ctx.notes.info(
      `${collector}: does not get its links: the engine refuses links on the host network, ` +
        `where the names they give do not resolve; "${processor}" keeps them`,
    );
  }
  if (body.environment === undefined) body.environment = environmentWith(undefined, env);
  rewireCollector(ctx, body);
  if (secrets.length > 0) {
    const own = (body.secrets as Plain[] | undefined) ?? [];
    body.secrets = [...own, ...secrets.filter((s) => !own.includes(s))];
  }
  return body;
}

/**
 * A key written without a value (`deploy:`) sets nothing: docker stack config reads it as absent, so a copy
 * leaves it out rather than writing `deploy: null`. An extension key's null is data, which docker keeps.
 */
function unset(key: string, value: unknown): boolean {
  return value === null && !key.startsWith("x-");
}

/**
 * The collector is on the host network, where the overlay's names do not resolve: each
 * `name:PORT` its copy of the environment, command and entrypoint refers to becomes
 * `127.0.0.1:PUBLISHED` where that service publishes the port on every node (the same
 * rule as the outbound proxy, TCP or UDP); every other reference is said, naming it.
 * The processor, on the overlay, keeps the names.
 */
function rewireCollector(ctx: Ctx, body: Record<string, Plain>): void {
  const { model, service, notes } = ctx;
  if (!ctx.analysis) return;
  const { collector, processor } = splitNames(service.name);
  const addresses = collectorAddresses(model, ctx.analysis);
  const said = new Set<string>();
  for (const ref of ctx.analysis.reaches) {
    if (said.has(ref.text)) continue;
    said.add(ref.text);
    const where = evidenceAt(ref.evidence, model.file);
    const target = addresses.get(ref.text);
    if (!target) {
      notes.warn(
        `${collector}: ${where} refers to "${ref.text}", which does not resolve on the host network; publish ` +
          `${ref.port ?? "its port"} of "${ref.service}" (ingress) and refer to 127.0.0.1:PORT there, or leave ` +
          `that flow to "${processor}"`,
      );
      continue;
    }
    const to = `127.0.0.1:${target.port}`;
    for (const key of ["environment", "command", "entrypoint"])
      if (body[key] !== undefined) body[key] = replaceReference(body[key], ref.text, to) as Plain;
    notes.info(
      `${collector}: ${where}: "${ref.text}" → "${to}" (published by ` +
        `"${ref.service}"${inProtocol(target.protocol)}), reachable from the host network; ` +
        `"${processor}" keeps "${ref.text}"`,
    );
  }
}

/** The shared queue an earlier service created or the file already has, or a new one. */
function findOrPlanQueue(
  ctx: Ctx,
  settings: SplitSettings,
  kind: QueueKind,
  name: string,
  keep: Attachment[],
): { state: QueueState; body?: Record<string, Plain> } {
  const { edits, service, model } = ctx;
  const run = ctx.state.queues;
  const known = settings.shared ? (run.get(name) ?? existingQueue(ctx, settings, name, kind)) : undefined;
  if (known) {
    if (known.kind !== kind) {
      throw new StackmodError(
        "BAD_OPTION",
        `\`queue.shared\`: "${name}" is a ${known.kind.name} queue, but "${service.name}" asks for ${kind.name}`,
        queueOptionPosition(ctx, "kind"),
      );
    }
    if (!keep.some((a) => known.networks.has(a.key))) {
      throw new StackmodError(
        "UNSUPPORTED",
        `\`queue.shared\`: "${name}" is on ${[...known.networks].join(", ")}, which "${service.name}" is not ` +
          "attached to; its processor could not reach the queue",
        queueOptionPosition(ctx, "shared"),
      );
    }
    return { state: known };
  }

  const published = settings.published ?? freeQueuePort(ctx, name, kind);
  const compose = model.dialect === "compose";
  const auth = kind.auth === "required" || settings.auth === true;
  if (settings.auth === true && kind.auth === "never") {
    throw new StackmodError(
      "BAD_OPTION",
      `\`queue.auth\`: ${kind.name} is run without credentials (it is reachable only on the overlay and the ` +
        `published port); use ${queueDocs.withPassword} for a password`,
      queueOptionPosition(ctx, "auth"),
    );
  }
  if (!compose && auth && !atLeast(model.version, 3, 1)) {
    throw new StackmodError(
      "UNSUPPORTED",
      `the ${kind.name} queue needs secrets, from file format 3.1; this file says version ${model.version}`,
      service.position,
    );
  }
  if (!compose && settings.publish === "host" && !atLeast(model.version, 3, 2)) {
    throw new StackmodError(
      "UNSUPPORTED",
      `publish: host needs long-syntax ports, from file format 3.2; this file says version ${model.version}`,
      service.position,
    );
  }
  if (!compose && settings.publish === "host") {
    requireSameNode(
      service,
      name,
      "the queue publishes with mode: host, which serves its port only on the node that runs it, and the " +
        "collector reaches it at 127.0.0.1 on its own node",
      ctx.notes,
      { globalHolds: false },
    );
  }
  try {
    edits.claimPublishedPort(published, "tcp", service);
  } catch (error) {
    if (!(error instanceof StackmodError) || error.code !== "PORT_COLLISION") throw error;
    throw new StackmodError(
      "PORT_COLLISION",
      `the queue "${name}" of "${service.name}" would publish ${published}/tcp, which ` +
        `${portOwner(ctx, published)} already publishes or listens on; give "${service.name}" another ` +
        `\`queue.published\` (or leave it unset: stackmod then picks the next free port), or share one queue ` +
        `with \`queue.shared\``,
      queueOptionPosition(ctx, "published"),
    );
  }
  const secrets = auth
    ? {
        user: kind.auth === "required" ? (settings.secrets.user ?? `${name}-user`) : undefined,
        password: settings.secrets.password ?? `${name}-password`,
      }
    : undefined;
  const state: QueueState = { kind, published, networks: new Set(keep.map((a) => a.key)), secrets };
  run.set(name, state);
  const placement = placementOf(service).placement;
  const body = queueService({
    kind,
    name,
    image: settings.image ?? kind.image,
    dialect: model.dialect,
    longSyntax: atLeast(model.version, 3, 2),
    published,
    publish: settings.publish,
    networks: keep.map((a) => a.key),
    secrets,
    placement,
    restart: restartOf(service, model.dialect, name, settings.publish === "host", ctx.notes),
  });
  return { state, body };
}

/**
 * The broker's own port, or, when something in the file already publishes it (the
 * queue of a service split before this one, in file order), the next free one above
 * it: several split services in one file need no options, and the same file always
 * gets the same ports. Said in the report.
 */
function freeQueuePort(ctx: Ctx, name: string, kind: QueueKind): number {
  const owner = portOwner(ctx, kind.port);
  if (owner === undefined) return kind.port;
  for (let port = kind.port + 1; port <= 65535; port++) {
    if (ctx.edits.hostPortOwner(port, "tcp") !== undefined) continue;
    ctx.notes.info(
      `${name}: publishes ${port}, not ${kind.name}'s ${kind.port}, which ${owner} already publishes; set ` +
        `\`queue.published\` to choose, or \`queue.shared\` for one queue`,
    );
    return port;
  }
  throw new StackmodError(
    "PORT_COLLISION",
    `the queue "${name}" of "${ctx.service.name}" finds no free port from ${kind.port} up; set ` +
      `\`queue.published\` or \`queue.shared\``,
    queueOptionPosition(ctx, "published"),
  );
}

/** Who has the host port already: `"a-queue" (the queue of "a")`, `"broker"`; undefined when it is free. */
function portOwner(ctx: Ctx, port: number): string | undefined {
  const owner = ctx.edits.hostPortOwner(port, "tcp");
  if (owner === undefined) return undefined;
  const queue = [...ctx.state.queues].find(([, state]) => state.published === port)?.[0];
  return queue === undefined ? `"${owner}"` : `"${queue}" (the queue of "${owner}")`;
}

/** A queue service already in the file (an earlier run split another service onto it). */
function existingQueue(ctx: Ctx, settings: SplitSettings, name: string, kind: QueueKind): QueueState | undefined {
  const existing = ctx.model.services.find((s) => s.name === name);
  if (!existing) return undefined;
  const port = existing.ports.find((p) => p.target === kind.port && p.published !== undefined);
  if (!port) {
    throw new StackmodError(
      "UNSUPPORTED",
      `\`queue.shared\`: the service "${name}" exists but publishes no port for ${kind.name} (${kind.port}); ` +
        "give another name or remove it",
      existing.position,
    );
  }
  const secretList = secretSources(existing.data.secrets);
  const user = secretList.find((s) => s === (settings.secrets.user ?? `${name}-user`));
  const password = secretList.find((s) => s === (settings.secrets.password ?? `${name}-password`));
  return {
    kind,
    published: port.published!,
    networks: namesIn(existing.data.networks),
    secrets: password ? { user, password } : undefined,
  };
}

/** The secret names a service mounts, short or long syntax. */
function secretSources(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((s) =>
    s !== null && typeof s === "object" ? String((s as { source?: unknown }).source) : String(s),
  );
}

/** Where a queue option was written, for an error about it; the service when the flags or --config gave it. */
function queueOptionPosition(ctx: Ctx, key: keyof Ctx["options"]): SourcePosition {
  // With the value in effect: one the flags or --config gave is not where a lower block of the file wrote another.
  return optionPosition(ctx.model, ctx.service, "queue", [key], ctx.options[key]) ?? ctx.service.position;
}

/**
 * A service with `network_mode: service:NAME` shares the namespace of one container;
 * split makes two of the service, on different networks, and which one the other
 * service meant is not for stackmod to guess.
 */
function refuseSharedNamespace(
  model: StackModel,
  service: ServiceModel,
  names: { processor: string; collector: string },
): void {
  const sharing = model.services.find((other) => other.networkMode?.value === `service:${service.name}`);
  if (!sharing) return;
  throw new StackmodError(
    "UNSUPPORTED",
    `service "${sharing.name}" shares the network namespace of "${service.name}" (network_mode: ` +
      `service:${service.name}), which split divides into "${names.collector}" (host network) and ` +
      `"${names.processor}" (the other networks); point it at one of them, then rewrite`,
    model.positionOf(sharing.networkMode!.entry.pair.value as Node | null),
  );
}
