import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrokerSetup } from "../setup.js";

export const rabbitmq: BrokerSetup = {
  // Not /usr/sbin/rabbitmq-server: that wrapper switches to the rabbitmq user and
  // the system node's cookie and dirs.
  binary: "/usr/lib/rabbitmq/bin/rabbitmq-server",
  async plan({ bin, port, dir, credentials, freePort, findBinary }) {
    if (!credentials) throw new Error("rabbitmq: a broker needs credentials (its auth is required)");
    const { user, password } = credentials;
    const [distPort, epmdPort] = [await freePort(), await freePort()];
    const home = join(dir, "home");
    for (const d of [home, join(dir, "mnesia"), join(dir, "log")]) mkdirSync(d, { recursive: true });
    // A distinct Erlang cookie, so this node can never talk to the system's.
    writeFileSync(join(home, ".erlang.cookie"), randomBytes(20).toString("hex"), { mode: 0o400 });
    writeFileSync(join(dir, "enabled_plugins"), "[].\n");
    writeFileSync(join(dir, "rabbitmq-env.conf"), "");
    // Classic Erlang-term config: no cuttlefish schema translation at boot.
    // default_user/default_pass create the user on first boot (no rabbitmqctl,
    // which costs a second VM start); loopback_users [] lets it in from anywhere.
    const rabbit = [
      `{tcp_listeners, [{"127.0.0.1", ${port}}]}`,
      `{default_user, <<"${user}">>}`,
      `{default_pass, <<"${password}">>}`,
      "{loopback_users, []}",
      "{log, [{console, [{enabled, true}, {level, warning}]}, {file, [{file, false}]}]}",
    ];
    writeFileSync(join(dir, "rabbitmq.config"), `[{rabbit, [${rabbit.join(", ")}]}].\n`);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      ERL_EPMD_PORT: String(epmdPort), // a private epmd, see below
      RABBITMQ_NODENAME: `stackmod-${port}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
      RABBITMQ_NODE_PORT: String(port),
      RABBITMQ_DIST_PORT: String(distPort),
      RABBITMQ_MNESIA_BASE: join(dir, "mnesia"),
      RABBITMQ_LOG_BASE: join(dir, "log"),
      RABBITMQ_CONFIG_FILE: join(dir, "rabbitmq.config"),
      RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, "advanced.config"),
      RABBITMQ_CONF_ENV_FILE: join(dir, "rabbitmq-env.conf"),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, "enabled_plugins"),
      RABBITMQ_PID_FILE: join(dir, "rabbitmq.pid"),
    };
    const plugins = rabbitPluginsDir(dir);
    if (plugins) env.RABBITMQ_PLUGINS_DIR = plugins;
    const epmd = findBinary("epmd") ?? "/usr/lib/erlang/bin/epmd";
    return {
      procs: [
        // Erlang starts `epmd -daemon` on 4369 by itself and leaves it running after
        // the node is gone. Start our own on a private port, as a child we can kill.
        {
          cmd: epmd,
          args: ["-port", String(epmdPort), "-address", "127.0.0.1"],
          env: { ...process.env, ERL_EPMD_PORT: String(epmdPort) },
          logName: "epmd.log",
        },
        { cmd: bin, args: [], env, logName: "rabbitmq.log" },
      ],
      url: `amqp://${user}:${password}@127.0.0.1:${port}`,
      user,
      password,
      graceMs: 0, // SIGTERM makes the wrapper run `rabbitmqctl stop` (a second VM): just kill it
    };
  },
  startTimeoutMs: 60_000,
  keepsUnconsumed: true,
  // Debian's RabbitMQ 3.10 on its Erlang runtime. The rewrite's command writes the credentials into
  // /etc/rabbitmq/conf.d and execs the official image's docker-entrypoint.sh, which here only execs; the
  // official image's conf.d defaults (log to the console) and HOME (the Erlang cookie) are kept.
  standIn: {
    trees: ["/usr/lib/erlang", "/usr/lib/rabbitmq"],
    files: {
      "/usr/local/bin/docker-entrypoint.sh": '#!/bin/sh\nexec "$@"\n',
      "/etc/rabbitmq/conf.d/10-defaults.conf": "loopback_users.guest = false\nlog.console = true\n",
    },
    env: {
      PATH: "/usr/lib/rabbitmq/bin:/usr/lib/erlang/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
      HOME: "/var/lib/rabbitmq",
    },
    cmd: ["docker-entrypoint.sh", "rabbitmq-server"],
  },
  appTools: {
    binaries: ["amqp-declare-queue", "amqp-consume", "amqp-publish"],
    debianPackages: ["amqp-tools"],
  },
};

/**
 * RabbitMQ loads every plugin directory on its code path and scans all their
 * modules at boot. A directory with only the core applications (symlinks) saves
 * about a second of a ~5 s start. Falls back to the package's own directory.
 */
function rabbitPluginsDir(dir: string): string | undefined {
  try {
    const base = "/usr/lib/rabbitmq/lib";
    const server = readdirSync(base)
      .filter((n) => n.startsWith("rabbitmq_server-"))
      .sort()
      .pop();
    if (!server) return undefined;
    const src = join(base, server, "plugins");
    const dst = join(dir, "plugins");
    mkdirSync(dst);
    const skipped = ["rabbitmq_(?!prelaunch)", "amqp_client", "amqp10_client", "cowboy", "cowlib", "gun", "jose"];
    skipped.push("eetcd", "prometheus", "base64url", "accept", "README");
    const skip = new RegExp(`^(${skipped.join("|")})`);
    for (const n of readdirSync(src)) if (!skip.test(n)) symlinkSync(join(src, n), join(dst, n));
    return dst;
  } catch {
    return undefined;
  }
}
