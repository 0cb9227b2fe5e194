/**
 * What `docker stack` does with Compose keys, as data read in docker/cli at v28.2.2
 * (commit e6534b4eb700e592f25e7213568a02f3ce37460d, the CLI installed here):
 * cli/compose/types/types.go (UnsupportedProperties, DeprecatedProperties,
 * ForbiddenProperties) and the v3 schemas cli/compose/schema/data/config_schema_v3.*.json
 * that cli/compose/schema/schema.go validates with. Each was confirmed with
 * `docker stack config` (test/stack-rules.test.ts).
 */

/** Ignored by `docker stack deploy`, which prints "Ignoring unsupported options: ...". */
export const ignoredKeys: Readonly<Record<string, string>> = {
  build: "Swarm does not build: the image must be in a registry every node can pull from",
  cgroupns_mode: "the service runs in the engine's default cgroup namespace mode",
  cgroup_parent: "the tasks get the engine's default cgroup parent",
  devices: "the devices are not mapped into the tasks (Swarm services cannot map devices)",
  domainname: "the tasks get no domain name",
  external_links: "the links are not made; use a shared network and the service's name",
  ipc: "the tasks get a private IPC namespace",
  links: "the links are not made; services on a shared network reach each other by name",
  mac_address: "the tasks get a generated MAC address",
  pid: "the tasks get a private PID namespace",
  privileged: "the tasks run unprivileged (Swarm services cannot run privileged)",
  restart: "Swarm restarts by `deploy.restart_policy` (default: condition any), not by `restart`",
  security_opt: "the security options are not applied",
  shm_size: "/dev/shm keeps the engine's default size (64 MiB)",
  userns_mode: "the tasks run in the engine's default user namespace mode",
};

/** Ignored with "Ignoring deprecated options:", with docker/cli's own words. */
export const deprecatedKeys: Readonly<Record<string, string>> = {
  container_name: "Setting the container name is not supported.",
  expose:
    "Exposing ports is unnecessary - services on the same network can access each other's containers on any port.",
};

/** `docker stack deploy` refuses the file: "Compose file contains unsupported options:". */
export const forbiddenKeys: Readonly<Record<string, string>> = {
  extends: "Support for `extends` is not implemented yet.",
  volume_driver:
    "Instead of setting the volume driver on the service, define a volume using the top-level `volumes` " +
    "option and specify the driver there.",
  volumes_from:
    "To share a volume between services, define it using the top-level `volumes` option and reference it " +
    "from each service that shares it using the service-level `volumes` option.",
  cpu_quota: "Set resource limits using deploy.resources",
  cpu_shares: "Set resource limits using deploy.resources",
  cpuset: "Set resource limits using deploy.resources",
  mem_limit: "Set resource limits using deploy.resources",
  memswap_limit: "Set resource limits using deploy.resources",
};

/** The service keys of config_schema_v3.0.json; the later ones with the format that added them. */
const serviceKeys30 =
  "deploy build cap_add cap_drop cgroup_parent command container_name depends_on devices dns dns_search domainname " +
  "entrypoint env_file environment expose external_links extra_hosts healthcheck hostname image ipc labels links " +
  "logging mac_address network_mode networks pid ports privileged read_only restart security_opt shm_size sysctls " +
  "stdin_open stop_grace_period stop_signal tmpfs tty ulimits user userns_mode volumes working_dir";

export const serviceKeySince: Readonly<Record<string, number>> = {
  ...Object.fromEntries(serviceKeys30.split(" ").map((key) => [key, 3.0])),
  secrets: 3.01,
  configs: 3.03,
  credential_spec: 3.03,
  isolation: 3.05,
  init: 3.07,
  cgroupns_mode: 3.09,
  oom_score_adj: 3.13,
};

/** Top-level keys of the v3 schemas, with the format that added them (`x-` from 3.4). */
export const topLevelKeySince: Readonly<Record<string, number>> = {
  version: 3.0,
  services: 3.0,
  networks: 3.0,
  volumes: 3.0,
  secrets: 3.01,
  configs: 3.03,
};

/** `x-` keys inside a service from 3.7, at the top level from 3.4. */
export const serviceExtensionsSince = 3.07;
export const topLevelExtensionsSince = 3.04;

/** The format version as docker/cli reads it: none, "" and "3" are the newest, 3.13. */
export function stackFormat(version: string | undefined): number | undefined {
  if (version === undefined || version === "" || version === "3") return 3.13;
  const match = /^(\d+)\.(\d+)$/.exec(version);
  if (!match || match[1] !== "3") return undefined;
  return 3 + Number(match[2]) / 100;
}

export function formatText(format: number): string {
  return `3.${Math.round((format - 3) * 100)}`;
}
