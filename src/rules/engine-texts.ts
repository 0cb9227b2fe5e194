import type { EngineRange } from "./engines.js";

/**
 * What the engine (or `docker stack`) says, word for word, on which engines, and
 * where the text is in the source at those tags: plain data, so that a user can
 * search the text they see and `audit` can match a task's error.
 */
export interface EngineText {
  text: string;
  engines: readonly EngineRange[];
  /** File and tag (or commit) where the text was read. */
  source: string;
}

/** Before and from the commit that removed the runconfig package's errors (29.0). */
const runconfig = "moby/moby runconfig/errors.go at v20.10.24, v25.0.0, v27.5.1, v28.0.0, v28.5.2";
const daemon29 = "moby/moby daemon/container_operations.go at docker-v29.0.0, docker-v29.7.2";

export const sharedNetworkText: EngineText = {
  text: "container sharing network namespace with another container or host cannot be connected to any other network",
  engines: [{}],
  source: `${runconfig} (ErrConflictSharedNetwork); ${daemon29}`,
};

export const connectToHostText: EngineText = {
  text: "cannot connect container to host network - container must be created in host network mode",
  engines: [{ from: "28.0.2" }],
  source:
    "moby/moby runconfig/errors.go at v28.0.2, v28.5.2 (ErrConflictConnectToHostNetwork, moby/moby#49605); " + daemon29,
};

export const hostNetworkText: EngineText = {
  text: "container cannot be disconnected from host network or connected to host network",
  engines: [{ until: "28.0.2" }],
  source:
    "moby/moby runconfig/errors.go at v20.10.24, v27.5.1, v28.0.0, v28.0.1 (ErrConflictHostNetwork; gone in v28.0.2)",
};

export const noneNetworkText: EngineText = {
  text: "container cannot be connected to multiple networks with one of the networks in private (none) mode",
  engines: [{}],
  source: `${runconfig} (ErrConflictNoNetwork); ${daemon29}`,
};

/** Compose's refusal (compose-spec: network_mode and networks are mutually exclusive). */
export const composeNetworkModeText: EngineText = {
  text: "declares mutually exclusive `network_mode` and `networks`: invalid compose project",
  engines: [{}],
  source: "docker/compose (compose-go loader), as the seed's SPEC quotes it",
};

/** The host and null drivers each allow one network, the predefined one. */
export const onlyOneHostText: EngineText = {
  text: 'only one instance of "host" network is allowed',
  engines: [{}],
  source:
    "moby/moby vendor/github.com/docker/libnetwork/drivers/host/host.go at v20.10.24; " +
    "libnetwork/drivers/host/host.go at v25.0.0, v28.5.2; daemon/libnetwork/drivers/host/host.go at docker-v29.7.2",
};

/** docker/cli at v28.2.2 (commit e6534b4eb700e592f25e7213568a02f3ce37460d), the CLI installed here. */
export const cliCommit = "docker/cli v28.2.2 (e6534b4eb700e592f25e7213568a02f3ce37460d)";

export const ignoredOptionsText: EngineText = {
  text: "Ignoring unsupported options: ",
  engines: [{}],
  source:
    `${cliCommit} cli/command/stack/loader/loader.go (LoadComposefile), keys from cli/compose/types/types.go ` +
    "UnsupportedProperties",
};

export const deprecatedOptionsText: EngineText = {
  text: "Ignoring deprecated options:",
  engines: [{}],
  source:
    `${cliCommit} cli/command/stack/loader/loader.go (LoadComposefile), keys from cli/compose/types/types.go ` +
    "DeprecatedProperties",
};

export const forbiddenDeployText: EngineText = {
  text: "Compose file contains unsupported options:",
  engines: [{}],
  source: `${cliCommit} cli/command/stack/loader/loader.go (docker stack deploy)`,
};

export const forbiddenConfigText: EngineText = {
  text: "Configuration contains forbidden properties",
  engines: [{}],
  source: `${cliCommit} cli/compose/loader/loader.go (ForbiddenPropertiesError; docker stack config prints it)`,
};

export const additionalPropertyText: EngineText = {
  text: "Additional property NAME is not allowed",
  engines: [{}],
  source: `${cliCommit} cli/compose/schema/schema.go over cli/compose/schema/data/config_schema_v3.*.json`,
};

export const ignoringHostIpText: EngineText = {
  text: "ignoring IP-address (127.0.0.1:8080:80/tcp) service will listen on '0.0.0.0'",
  engines: [{}],
  source: `${cliCommit} opts/swarmopts/port.go (ConvertPortToPortConfig; docker stack config prints it too)`,
};

export const portsDiscardedText: EngineText = {
  text: "Published ports are discarded when using host network mode",
  engines: [{}],
  source: "moby/moby daemon/daemon_unix.go (verifyPlatformContainerSettings, a warning) at v28.5.2 and docker-v29.7.2",
};

export const unknownModeText: EngineText = {
  text: "Unknown mode: ",
  engines: [{}],
  source:
    `${cliCommit} cli/compose/convert/service.go (convertDeployMode; ` +
    "docker stack deploy prints it, docker stack config does not)",
};
