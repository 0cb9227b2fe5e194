#!/usr/bin/env node
// Collector half of a split service: publishes argv[2] to the queue and exits.
// Environment only: QUEUE_URL, QUEUE_TOPIC, STACKMOD_ROLE=collector (+ QUEUE_*_FILE).
import { queueConfig, publishOne } from "./queue-client.mjs";

try {
  const cfg = await queueConfig();
  if (cfg.role !== "collector") throw new Error(`STACKMOD_ROLE is ${cfg.role}, expected collector`);
  const message = process.argv[2];
  if (message === undefined) throw new Error("usage: collector.mjs MESSAGE");
  await publishOne(cfg, message);
  process.exit(0);
} catch (err) {
  console.error(`collector: ${err?.message ?? err}`);
  process.exit(1);
}
