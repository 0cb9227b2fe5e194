// Topic QUEUE_TOPIC, QoS 1; the processor keeps a persistent session (clean: false, fixed client id), so once it
// has subscribed the broker queues messages for it while it is away.
import { PROCESSOR_GROUP } from "../../app/queue-client.mjs";

export const scheme = "mqtt";

export async function publish({ url, topic }, message) {
  const mqtt = await import("mqtt");
  const client = await mqtt.connectAsync(url.href, { reconnectPeriod: 0 });
  await client.publishAsync(topic, message, { qos: 1 });
  await client.endAsync();
}

export async function receive({ url, topic }, onReady) {
  const mqtt = await import("mqtt");
  const client = await mqtt.connectAsync(url.href, {
    clientId: `${PROCESSOR_GROUP}-${topic}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 23),
    clean: false,
    reconnectPeriod: 0,
  });
  const text = await new Promise((resolve, reject) => {
    client.on("message", (_t, payload) => resolve(payload.toString("utf8")));
    client.on("error", reject);
    client.subscribeAsync(topic, { qos: 1 }).then(() => onReady(), reject);
  });
  await client.endAsync();
  return text;
}
