import type { RestartSettings } from "../../shared/restart.js";
import type { Plain } from "../../../edit/render.js";
import type { QueueKind, QueueSecrets } from "./kind.js";

export interface QueueServicePlan {
  kind: QueueKind;
  name: string;
  image: string;
  dialect: "swarm" | "compose";
  /** Long-syntax ports (file format 3.2 and later). */
  longSyntax: boolean;
  published: number;
  publish: "ingress" | "host";
  networks: string[];
  secrets: QueueSecrets | undefined;
  /** `deploy.placement` of the service it serves, for `mode: host`. */
  placement: Plain | undefined;
  /** How the service it serves restarts and rolls out. */
  restart: RestartSettings;
}

/** The queue service's body: the broker on the overlay, publishing its port for the collector. */
export function queueService(plan: QueueServicePlan): Record<string, Plain> {
  const { kind } = plan;
  const body: Record<string, Plain> = { image: plan.image };
  if (kind.needsHostname) body.hostname = plan.name;
  const command = kind.command(plan.secrets);
  if (command !== undefined) body.command = command;
  body.networks = plan.networks;
  body.ports = [portEntry(plan)];
  if (kind.dataPath) body.volumes = [`${volumeName(plan.name)}:${kind.dataPath}`];
  if (plan.secrets) body.secrets = secretNames(plan.secrets);
  if (plan.restart.restart !== undefined) body.restart = plan.restart.restart;
  const deploy: Record<string, Plain> = { ...plan.restart.deploy };
  if (plan.dialect === "swarm" && plan.publish === "host" && plan.placement !== undefined)
    Object.assign(deploy, { placement: plan.placement }, plan.restart.deploy);
  if (Object.keys(deploy).length > 0) body.deploy = deploy;
  return body;
}

export function volumeName(queue: string): string {
  return `${queue}-data`;
}

export function secretNames(secrets: QueueSecrets): string[] {
  return secrets.user ? [secrets.user, secrets.password] : [secrets.password];
}

function portEntry(plan: QueueServicePlan): Plain {
  const target = plan.kind.port;
  // Compose: the collector shares the host's network namespace and reaches loopback.
  if (plan.dialect === "compose") return `127.0.0.1:${plan.published}:${target}`;
  if (!plan.longSyntax) return `${plan.published}:${target}`;
  return { target, published: plan.published, protocol: "tcp", mode: plan.publish };
}
