import { defineQueueKind } from "./kind.js";

export const mqtt = defineQueueKind({
  name: "mqtt",
  image: "eclipse-mosquitto:2.0",
  port: 1883,
  scheme: "mqtt",
  auth: "never",
  // `+` and `#` are wildcards (refused when publishing); a leading `$` is for the broker's own topics.
  topic: {
    noun: "MQTT topic",
    pattern: /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/,
    rule:
      "an MQTT topic: levels of letters, digits, _ . - separated by single slashes (no spaces, no + or # " +
      "wildcards, no leading $ or /)",
  },
  // Mosquitto 2 listens on loopback only unless configured; the image ships this file.
  command: () => ["mosquitto", "-c", "/mosquitto-no-auth.conf"],
  delivery:
    "MQTT QoS 1 with a persistent session: a message published before the processor first subscribed is " +
    "dropped; after that, the broker keeps messages for it while it is away (not across a restart of the " +
    "queue)",
  summary: "QoS 1, persistent session: a message published before the processor first subscribed is lost",
  debianPackage: "mosquitto",
});
