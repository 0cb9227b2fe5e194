import { secretPath, defineQueueKind } from "./kind.js";

const confFile = "/etc/rabbitmq/conf.d/20-stackmod.conf";

export const rabbitmq = defineQueueKind({
  name: "rabbitmq",
  image: "rabbitmq:4.2-alpine",
  port: 5672,
  scheme: "amqp",
  auth: "required",
  // `amq.` names are reserved by the broker; 255 bytes at most.
  topic: {
    noun: "AMQP queue",
    pattern: /^(?!amq\.)[A-Za-z0-9_.:-]{1,255}$/,
    rule: "an AMQP queue name of letters, digits and _ . : - (at most 255, not starting with amq.)",
  },
  dataPath: "/var/lib/rabbitmq",
  needsHostname: true,
  // RABBITMQ_DEFAULT_USER_FILE / _PASS_FILE make the container exit since 3.13: write
  // the credentials from the secrets into a conf.d file, then start as the image does.
  command: (secrets) => {
    if (!secrets?.user) return undefined;
    return [
      "sh",
      "-c",
      `printf 'default_user = %s\\ndefault_pass = %s\\n' "$$(cat ${secretPath(secrets.user)})" "$$(cat ` +
        `${secretPath(secrets.password)})" > ${confFile} && exec docker-entrypoint.sh rabbitmq-server`,
    ];
  },
  delivery:
    "a durable queue named after the topic: messages wait while the processor is down, and survive a restart " +
    "of the queue on the same node (its data volume)",
  summary: "a durable queue named after the topic, on a data volume `<queue>-data`",
  debianPackage: "rabbitmq-server",
});
