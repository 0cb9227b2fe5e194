#!/usr/bin/env node
// Processor half of a split service: receives one message, prints it on stdout, exits.
// Prints "ready" on stderr once it is subscribed (for nats and mqtt a message
// published before that is not delivered to it).
// Environment only: QUEUE_URL, QUEUE_TOPIC, STACKMOD_ROLE=processor (+ QUEUE_*_FILE).
import { queueConfig, receiveOne } from "./queue-client.mjs";

try {
  const cfg = await queueConfig();
  if (cfg.role !== "processor") throw new Error(`STACKMOD_ROLE is ${cfg.role}, expected processor`);
  const text = await receiveOne(cfg, () => process.stderr.write("ready\n"));
  process.stdout.write(`${text}\n`);
  process.exit(0);
} catch (err) {
  console.error(`processor: ${err?.message ?? err}`);
  process.exit(1);
}
