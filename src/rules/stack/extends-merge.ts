import { isMap, isScalar, type Node } from "yaml";

/**
 * How Compose merges a key of the extended service into the extending one, as
 * docker-compose 1.29.2 does (compose/config/config.py `merge_service_dicts`,
 * `merge_deploy`, `merge_networks`, `merge_logging`, `merge_healthchecks`) and the
 * compose-spec describes (spec.md "extends", merge.md): the service's own value wins;
 * mappings merge key by key; lists of one kind add the base's items first.
 */
export type Merge =
  | { kind: "override" }
  /** Key by key, the service's own entry winning; the list form (`K=V`) keyed by `keyOf`. */
  | { kind: "map"; keyOf: (item: Node) => string | undefined; same?: "keep" | "refuse-unless-empty" }
  /** The base's items first, then the service's; `keyOf` set: items the service has already are left out. */
  | { kind: "list"; keyOf?: (item: Node) => string | undefined }
  /** A mapping merged key by key with the inner rules. */
  | { kind: "nested"; inner: (key: string) => Merge; replacedWhen?: (own: Node, base: Node) => boolean }
  /** Compose merges it in a way stackmod does not write: refused when both have it. */
  | { kind: "refuse" };

const override: Merge = { kind: "override" };

function scalarText(item: Node): string | undefined {
  return isScalar(item) && item.value !== null ? String(item.value) : undefined;
}

/** `K=V` (environment, labels, sysctls) keyed by K. */
const byName = (separators: RegExp) => (item: Node) => scalarText(item)?.split(separators)[0];

/** The value as data, for lists compared whole (ports, placement preferences). */
const asData = (item: Node): string => JSON.stringify(item.toJSON());

/** A long-syntax field (`target`, `source`) or the short string's part. */
function field(name: string, short: (text: string) => string | undefined) {
  return (item: Node): string | undefined => {
    if (isMap(item)) {
      const value = item.get(name, true);
      return isScalar(value) ? String(value.value) : undefined;
    }
    const text = scalarText(item);
    return text === undefined ? undefined : short(text);
  };
}

/** A volume or device keyed by its path in the container (`src:dst[:mode]` or `target:`). */
const containerPath = field("target", (text) => {
  const parts = text.split(":");
  return parts.length === 1 ? parts[0] : parts[1];
});

const bySource = field("source", (text) => text);

const deploy: Merge = {
  kind: "nested",
  inner: (key) => {
    if (key === "labels") return { kind: "map", keyOf: byName(/=/) };
    if (key === "placement") {
      return {
        kind: "nested",
        inner: (inner) =>
          inner === "constraints" || inner === "preferences" ? { kind: "list", keyOf: asData } : override,
      };
    }
    if (["resources", "update_config", "rollback_config", "restart_policy"].includes(key)) {
      return { kind: "nested", inner: () => (key === "resources" ? shallow : override) };
    }
    return override;
  },
};

const shallow: Merge = { kind: "nested", inner: () => override };

function driverOf(node: Node): string | undefined {
  if (!isMap(node)) return undefined;
  const driver = node.get("driver", true);
  return isScalar(driver) ? String(driver.value) : undefined;
}

const serviceKeys: Readonly<Record<string, Merge>> = {
  environment: { kind: "map", keyOf: byName(/=/) },
  labels: { kind: "map", keyOf: byName(/=/) },
  sysctls: { kind: "map", keyOf: byName(/=/) },
  extra_hosts: { kind: "map", keyOf: byName(/[:=]/) },
  ulimits: { kind: "map", keyOf: () => undefined },
  storage_opt: { kind: "map", keyOf: () => undefined },
  networks: { kind: "map", keyOf: scalarText, same: "refuse-unless-empty" },
  secrets: { kind: "list", keyOf: bySource },
  configs: { kind: "list", keyOf: bySource },
  volumes: { kind: "list", keyOf: containerPath },
  devices: { kind: "list", keyOf: containerPath },
  ports: { kind: "list", keyOf: asData },
  ...Object.fromEntries(
    ["cap_add", "cap_drop", "expose", "external_links", "device_cgroup_rules", "profiles", "security_opt"].map(
      (key) => [key, { kind: "list", keyOf: asData } satisfies Merge],
    ),
  ),
  ...Object.fromEntries(["dns", "dns_search", "env_file", "tmpfs"].map((key) => [key, { kind: "list" } as Merge])),
  logging: {
    kind: "nested",
    inner: (key) => (key === "options" ? shallow : override),
    // Another driver replaces the base's logging whole.
    replacedWhen: (own, base) => driverOf(own) !== undefined && driverOf(own) !== driverOf(base),
  },
  healthcheck: shallow,
  deploy,
  build: { kind: "refuse" },
  blkio_config: { kind: "refuse" },
};

/** The merge rule of one service key. */
export function mergeOf(key: string): Merge {
  return serviceKeys[key] ?? override;
}

/** Keys of the base that a service never takes over: Compose's own `extends`, and `x-` keys (dropped by Compose). */
export function notInherited(key: string): boolean {
  return key === "extends" || key.startsWith("x-");
}

/** Keys that make a service one Compose refuses to extend ("services with 'links' cannot be extended"). */
export function unextendable(data: Record<string, unknown>): string | undefined {
  for (const key of ["links", "volumes_from", "depends_on"]) if (data[key] !== undefined) return key;
  const mode = data.network_mode;
  if (typeof mode === "string" && /^(service|container):/.test(mode)) return `network_mode: ${mode}`;
  return undefined;
}
