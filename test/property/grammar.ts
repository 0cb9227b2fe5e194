import fc from "fast-check";

/**
 * A grammar of Swarm stack files: services on host/none/overlay mixes, networks
 * in list, flow and map form, some inherited through an anchor and `<<`, ports in
 * short and long syntax, comments and blank lines, LF or CRLF, 2 or 4 spaces.
 * Every file is valid for `docker stack config`; every service with a conflict
 * says which ports it receives (`x-stackmod.ports`), so the proxy strategy applies.
 */
const networkKeys = ["hostnet", "backend", "frontend", "nonet"] as const;
type NetworkKey = (typeof networkKeys)[number];
const serviceNames = ["bacnet", "modbus", "web", "api", "db", "worker"];

interface PortSpec {
  long: boolean;
  published: number;
  target: number;
  protocol: "tcp" | "udp";
  mode: "ingress" | "host";
}

interface ServiceSpec {
  name: string;
  /** null: inherit networks from the anchor (when the anchor has them), else none. */
  networks: NetworkKey[];
  /** alias: `networks: *nets-NAME`, the list written once at the top level. */
  form: "list" | "flow" | "map" | "alias";
  merge: boolean;
  ports: PortSpec[];
  receives: { target: number; protocol: "tcp" | "udp" }[];
  comment: boolean;
  commentLine: boolean;
  quoted: boolean;
  midComment: boolean;
  /** Where it runs: loose (no deploy), global on labelled nodes, pinned to one node, replicated on labelled nodes. */
  deploy: "none" | "global" | "pinned" | "labels";
  /** default: what the evidence chooses (publish, for these unicast ports); inbound: strategy proxy. */
  proxy: "default" | "inbound" | "outbound" | "publish-host";
  /** The first port received is one the service already publishes in ingress mode. */
  receivesPublished: boolean;
  /** It also receives `sharedHostPort`, which other services may receive too (a host port bound twice). */
  receivesShared: boolean;
}

/** A host port several generated services may want: the rewrite must refuse, never bind it twice. */
export const sharedHostPort = 30999;

export interface StackSpec {
  eol: "\n" | "\r\n";
  indent: number;
  anchor: { networks: NetworkKey[] | undefined } | undefined;
  hostKeyIsHost: boolean;
  /** The host network declared the legacy way, `external: {name: host}`. */
  legacyExternal: boolean;
  flowNetworks: boolean;
  headerComment: boolean;
  blankLines: boolean;
  indentless: boolean;
  bom: boolean;
  finalNewline: boolean;
  services: ServiceSpec[];
}

const portSpec = fc.record({
  long: fc.boolean(),
  target: fc.integer({ min: 1, max: 9999 }),
  protocol: fc.constantFrom("tcp" as const, "udp" as const),
  mode: fc.constantFrom("ingress" as const, "host" as const),
});

const serviceSpec = fc.record({
  networks: fc.subarray([...networkKeys]),
  form: fc.constantFrom("list" as const, "flow" as const, "map" as const, "alias" as const),
  merge: fc.boolean(),
  ports: fc.array(portSpec, { maxLength: 2 }),
  receives: fc.array(
    fc.record({ target: fc.integer({ min: 1, max: 9999 }), protocol: fc.constantFrom("tcp" as const, "udp" as const) }),
    { minLength: 1, maxLength: 2 },
  ),
  comment: fc.boolean(),
  commentLine: fc.boolean(),
  quoted: fc.boolean(),
  midComment: fc.boolean(),
  deploy: fc.constantFrom("none" as const, "global" as const, "pinned" as const, "labels" as const),
  proxy: fc.constantFrom("default" as const, "inbound" as const, "outbound" as const, "publish-host" as const),
  receivesPublished: fc.boolean(),
  receivesShared: fc.boolean(),
});

export const stackSpec: fc.Arbitrary<StackSpec> = fc
  .record({
    eol: fc.constantFrom("\n" as const, "\r\n" as const),
    indent: fc.constantFrom(2, 4),
    anchor: fc.option(
      fc.record({
        networks: fc.option(fc.subarray(["hostnet", "backend", "frontend"] as NetworkKey[], { minLength: 1 }), {
          nil: undefined,
        }),
      }),
      { nil: undefined },
    ),
    hostKeyIsHost: fc.boolean(),
    legacyExternal: fc.boolean(),
    flowNetworks: fc.boolean(),
    headerComment: fc.boolean(),
    blankLines: fc.boolean(),
    indentless: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    services: fc.array(serviceSpec, { minLength: 1, maxLength: 4 }),
  })
  .map((spec) => ({
    ...spec,
    services: spec.services.map((service, i) => ({
      ...service,
      name: serviceNames[i]!,
      // Published ports unique in the stack and apart from what the proxy publishes (target + 10000).
      ports: service.ports.map((port, j) => ({ ...port, published: 8000 + i * 10 + j })),
      receives: uniqueBy(service.receives, (r) => r.target).map((r, j) => ({ ...r, target: 30000 + i * 10 + j })),
      // host and none together is not a shape anyone deploys; keep to host+overlay and none+overlay.
      networks: service.networks.includes("hostnet") ? service.networks.filter((n) => n !== "nonet") : service.networks,
      // A proxy that must run on the service's node (outbound, publish: host) needs a placement that
      // guarantees it, or the rewrite is refused (tested on its own): pinned or global here.
      deploy:
        service.proxy !== "default" &&
        service.proxy !== "inbound" &&
        (service.deploy === "none" || service.deploy === "labels")
          ? service.deploy === "none"
            ? ("pinned" as const)
            : ("global" as const)
          : service.deploy,
    })),
  }));

function uniqueBy<T>(items: T[], key: (item: T) => unknown): T[] {
  const seen = new Set();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}

/** The networks a service really has: its own, or the anchor's through `<<`. */
export function effectiveNetworks(spec: StackSpec, service: ServiceSpec): NetworkKey[] {
  if (service.networks.length > 0) return service.networks;
  return service.merge && spec.anchor?.networks ? spec.anchor.networks : [];
}

export function renderStack(spec: StackSpec): string {
  const u = " ".repeat(spec.indent);
  const lines: string[] = [];
  const hostKey = spec.hostKeyIsHost ? "host" : "hostnet";
  const key = (n: NetworkKey) => (n === "hostnet" ? hostKey : n);
  if (spec.headerComment) lines.push("# generated stack file", "");
  lines.push('version: "3.8"');
  if (spec.anchor) {
    lines.push("", "x-defaults: &defaults", `${u}restart: always`);
    if (spec.anchor.networks) {
      lines.push(`${u}networks:`);
      for (const n of spec.anchor.networks) lines.push(`${u}${u}- ${key(n)}`);
    }
  }
  for (const service of spec.services) {
    if (service.form === "alias" && service.networks.length > 0)
      lines.push(
        "",
        `x-nets-${service.name}: &nets-${service.name}`,
        ...service.networks.map((n) => `${u}- ${key(n)}`),
      );
  }
  lines.push("", "services:");
  for (const [index, service] of spec.services.entries()) {
    if (index > 0 && spec.blankLines) lines.push("");
    if (service.commentLine) lines.push(`${u}# the ${service.name} service`);
    lines.push(`${u}${service.name}:${service.comment ? "   # keep" : ""}`);
    const i2 = u + u;
    if (service.merge && spec.anchor) lines.push(`${i2}<<: *defaults`);
    lines.push(`${i2}image: example/${service.name}:1.0`);
    const nets = service.networks.map(key);
    if (nets.length > 0) {
      if (service.form === "alias") lines.push(`${i2}networks: *nets-${service.name}`);
      else if (service.form === "flow") lines.push(`${i2}networks: [${nets.join(", ")}]`);
      else if (service.form === "list") {
        lines.push(`${i2}networks:`);
        const item = spec.indentless ? i2 : i2 + u;
        nets.forEach((n, j) => {
          if (service.midComment && j === 1) lines.push(`${item}# the next one matters`);
          lines.push(`${item}- ${service.quoted ? `"${n}"` : n}${service.comment && j === 0 ? "   # why" : ""}`);
        });
      } else {
        lines.push(`${i2}networks:`);
        for (const n of nets) {
          if (n === "backend") lines.push(`${i2}${u}${n}:`, `${i2}${u}${u}aliases: [${service.name}-alias]`);
          else lines.push(`${i2}${u}${n}:`);
        }
      }
    }
    if (service.ports.length > 0) {
      lines.push(`${i2}ports:`);
      for (const port of service.ports) {
        if (!port.long)
          lines.push(`${i2}${u}- "${port.published}:${port.target}${port.protocol === "udp" ? "/udp" : ""}"`);
        else {
          lines.push(
            `${i2}${u}- target: ${port.target}`,
            `${i2}${u}  published: ${port.published}`,
            `${i2}${u}  protocol: ${port.protocol}`,
            `${i2}${u}  mode: ${port.mode}`,
          );
        }
      }
    }
    if (service.deploy !== "none") {
      const constraint = service.deploy === "pinned" ? "node.hostname == plant-1" : "node.labels.plant == true";
      lines.push(
        `${i2}deploy:`,
        ...(service.deploy === "global" ? [`${i2}${u}mode: global`] : []),
        `${i2}${u}placement:`,
        `${i2}${u}${u}constraints: [${constraint}]`,
      );
    }
    const networks = effectiveNetworks(spec, service);
    if (networks.includes("hostnet") && networks.length > 1) {
      const published = service.ports.find((p) => !p.long || p.mode === "ingress");
      const received =
        service.receivesPublished && published
          ? [{ target: published.target, protocol: published.protocol }, ...service.receives.slice(1)]
          : service.receives;
      const shared = service.receivesShared ? [{ target: sharedHostPort, protocol: "tcp" as const }] : [];
      const receives = [...received, ...shared].map((r) => `"${r.target}${r.protocol === "udp" ? "/udp" : ""}"`);
      lines.push(`${i2}x-stackmod:`, `${i2}${u}ports: [${receives.join(", ")}]`);
      if (service.proxy === "outbound") lines.push(`${i2}${u}proxy: {direction: outbound}`);
      if (service.proxy === "inbound") lines.push(`${i2}${u}strategy: proxy`);
      if (service.proxy === "publish-host") lines.push(`${i2}${u}proxy:`, `${i2}${u}${u}publish: host`);
    }
  }
  lines.push("", "networks:");
  const declarations: [string, string][] = [
    [
      hostKey,
      spec.legacyExternal
        ? "external: {name: host}"
        : spec.hostKeyIsHost
          ? "external: true"
          : "external: true, name: host",
    ],
    ["backend", "driver: overlay"],
    ["frontend", "driver: overlay"],
    ["nonet", "external: true, name: none"],
  ];
  for (const [name, body] of declarations) {
    if (spec.flowNetworks) lines.push(`${u}${name}: {${body}}`);
    else {
      lines.push(`${u}${name}:`);
      for (const part of body.split(", ")) lines.push(`${u}${u}${part}`);
    }
  }
  return (spec.bom ? "\ufeff" : "") + lines.join(spec.eol) + (spec.finalNewline ? spec.eol : "");
}
