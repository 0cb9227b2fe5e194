import type { Dialect, ServiceModel } from "../../model/types.js";
import type { Notes } from "../strategy.js";
import type { Plain } from "../../edit/render.js";

/** What a companion copies so that it restarts (and rolls out) like the service it serves. */
export interface RestartSettings {
  /** Compose `restart:` (Swarm ignores the key). */
  restart?: Plain;
  /** `deploy.restart_policy`, `update_config`, `rollback_config`. */
  deploy: Record<string, Plain>;
}

/**
 * A proxy or queue that does not come back after a reboot or a crash leaves the service
 * it serves cut off. `bindsHostPorts`: the companion listens on host ports, so two of its
 * tasks on one node cannot overlap during an update: `order: start-first` becomes stop-first.
 */
export function restartOf(
  service: ServiceModel,
  dialect: Dialect,
  companion: string,
  bindsHostPorts: boolean,
  notes: Notes,
): RestartSettings {
  const data = service.data;
  const deploy = (data.deploy ?? {}) as Record<string, Plain>;
  const settings: RestartSettings = { deploy: {} };
  if (dialect === "compose" && data.restart !== undefined && data.restart !== null) {
    settings.restart = data.restart as Plain;
  }
  if (isSet(deploy.restart_policy)) settings.deploy.restart_policy = deploy.restart_policy!;
  if (dialect === "compose") return settings;
  for (const key of ["update_config", "rollback_config"]) {
    const config = deploy[key];
    if (!isSet(config)) continue;
    if (bindsHostPorts && (config as Record<string, Plain>).order === "start-first") {
      settings.deploy[key] = { ...(config as Record<string, Plain>), order: "stop-first" };
      notes.info(
        `${service.name}: "${companion}" takes ${key} from it with order: stop-first, not start-first: two ` +
          "of its tasks on one node cannot bind the same host ports",
      );
    } else settings.deploy[key] = config!;
  }
  return settings;
}

function isSet(value: Plain | undefined): value is Plain {
  return value !== undefined && value !== null;
}
