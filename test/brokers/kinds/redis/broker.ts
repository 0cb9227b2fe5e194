import type { BrokerSetup } from "../setup.js";

export const redis: BrokerSetup = {
  binary: "redis-server",
  plan: ({ bin, port, dir, credentials }) => ({
    procs: [
      {
        cmd: bin,
        args: [
          "--bind",
          "127.0.0.1",
          "--port",
          String(port),
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir,
          "--daemonize",
          "no",
          "--logfile",
          "",
          // Redis has one password and no user, as the rewritten queue's command sets it
          ...(credentials ? ["--requirepass", credentials.password] : []),
        ],
        logName: "redis.log",
      },
    ],
    url: credentials ? `redis://:${credentials.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    ...(credentials ? { password: credentials.password } : {}),
    graceMs: 2000,
  }),
  startTimeoutMs: 30_000,
  keepsUnconsumed: true,
  // the official image turns protected mode off (it would refuse clients from other containers)
  standIn: { binaries: ["redis-server"], cmd: ["redis-server", "--protected-mode", "no", "--save", ""] },
  // the app speaks the text protocol with socat
  appTools: { binaries: [], debianPackages: [] },
};
