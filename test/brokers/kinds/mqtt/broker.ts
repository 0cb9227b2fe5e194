import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { BrokerSetup } from "../setup.js";

export const mqtt: BrokerSetup = {
  binary: "mosquitto",
  plan: ({ bin, port, dir }) => {
    const conf = join(dir, "mosquitto.conf");
    // mosquitto 2.x listens on loopback only and refuses anonymous clients unless
    // told otherwise; `user root` stops it from switching to the mosquitto user.
    const lines = [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      "log_dest stderr",
      "user root",
      "",
    ];
    writeFileSync(conf, lines.join("\n"));
    return {
      procs: [{ cmd: bin, args: ["-c", conf], logName: "mosquitto.log" }],
      url: `mqtt://127.0.0.1:${port}`,
      graceMs: 2000,
    };
  },
  startTimeoutMs: 30_000,
  // only once the processor's persistent session has subscribed
  keepsUnconsumed: false,
  // the official image ships /mosquitto-no-auth.conf (the rewrite's command names it) and a mosquitto user,
  // to which the broker drops root
  standIn: {
    binaries: ["mosquitto"],
    files: {
      "/mosquitto-no-auth.conf": "listener 1883\nallow_anonymous true\n",
      "/etc/passwd": [
        "root:x:0:0:root:/:/bin/sh",
        "mosquitto:x:1883:1883:mosquitto:/:/bin/false",
        "nobody:x:65534:65534:nobody:/:/bin/false",
        "",
      ].join("\n"),
      "/etc/group": "root:x:0:\nmosquitto:x:1883:\nnogroup:x:65534:\n",
    },
    cmd: ["mosquitto", "-c", "/mosquitto-no-auth.conf"],
  },
  appTools: { binaries: ["mosquitto_pub", "mosquitto_sub"], debianPackages: ["mosquitto-clients"] },
};
