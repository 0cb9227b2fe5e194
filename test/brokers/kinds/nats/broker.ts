import type { BrokerSetup } from "../setup.js";

export const nats: BrokerSetup = {
  binary: "nats-server",
  plan: ({ bin, port }) => ({
    procs: [
      {
        cmd: bin,
        args: ["-a", "127.0.0.1", "-p", String(port), "-n", `stackmod-test-${port}`],
        logName: "nats.log",
      },
    ],
    url: `nats://127.0.0.1:${port}`,
    graceMs: 2000,
  }),
  startTimeoutMs: 30_000,
  keepsUnconsumed: false,
  standIn: { binaries: ["nats-server"], cmd: ["nats-server"] },
  // the app speaks the text protocol with socat
  appTools: { binaries: [], debianPackages: [] },
};
