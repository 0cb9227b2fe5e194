// The queue contract the split strategy's collector/processor pair follows.
// Reads only: QUEUE_URL, QUEUE_TOPIC, STACKMOD_ROLE, and (when QUEUE_URL has no
// credentials) QUEUE_USER_FILE / QUEUE_PASSWORD_FILE (Swarm secrets).
//
// Semantics per scheme (what survives a processor restart):
//   nats://   core NATS subject, queue group "stackmod-processor": replicas share
//             the load; a message published while no processor is subscribed is lost.
//   redis://  a Redis LIST: LPUSH by the collector, BRPOP by the processor. Chosen
//             over pub/sub because the list keeps messages while the processor is
//             down or restarting (pub/sub drops them), and BRPOP hands each message
//             to exactly one processor replica.
//   amqp://   a durable RabbitMQ queue named QUEUE_TOPIC, persistent messages,
//             publisher confirms, manual ack: survives a processor restart.
//   mqtt://   topic QUEUE_TOPIC, QoS 1; the processor keeps a persistent session
//             (clean: false, fixed client id), so once it has subscribed the broker
//             queues messages for it while it is away.
import { readFileSync } from "node:fs";

export const PROCESSOR_GROUP = "stackmod-processor";

export function queueConfig(env = process.env) {
  const rawUrl = env.QUEUE_URL;
  const topic = env.QUEUE_TOPIC;
  const role = env.STACKMOD_ROLE;
  if (!rawUrl) throw new Error("QUEUE_URL is not set");
  if (!topic) throw new Error("QUEUE_TOPIC is not set");
  if (role !== "collector" && role !== "processor") {
    throw new Error(`STACKMOD_ROLE must be collector or processor, got ${JSON.stringify(role)}`);
  }
  const url = new URL(rawUrl);
  if (!url.username && !url.password && env.QUEUE_PASSWORD_FILE) {
    // Swarm secrets: /run/secrets/NAME; strip the trailing newline an editor leaves.
    const strip = (s) => s.replace(/\r?\n$/, "");
    if (env.QUEUE_USER_FILE) url.username = encodeURIComponent(strip(readFileSync(env.QUEUE_USER_FILE, "utf8")));
    url.password = encodeURIComponent(strip(readFileSync(env.QUEUE_PASSWORD_FILE, "utf8")));
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (!CLIENTS[scheme]) throw new Error(`QUEUE_URL scheme ${scheme}: is not one of ${Object.keys(CLIENTS).join(", ")}`);
  return { url, scheme, topic, role };
}

/** Publish one message and close. */
export async function publishOne(cfg, message) {
  return CLIENTS[cfg.scheme].publish(cfg, message);
}

/** Subscribe, call onReady() once subscribed, resolve with the first message (string), close. */
export async function receiveOne(cfg, onReady = () => {}) {
  return CLIENTS[cfg.scheme].receive(cfg, onReady);
}

const CLIENTS = {
  nats: {
    async publish({ url, topic }, message) {
      const { connect } = await import("nats");
      const nc = await connect(natsOptions(url));
      nc.publish(topic, new TextEncoder().encode(message));
      await nc.flush();
      await nc.close();
    },
    async receive({ url, topic }, onReady) {
      const { connect } = await import("nats");
      const nc = await connect(natsOptions(url));
      const sub = nc.subscribe(topic, { queue: PROCESSOR_GROUP, max: 1 });
      await nc.flush(); // the server has the subscription
      onReady();
      let text = "";
      for await (const m of sub) text = new TextDecoder().decode(m.data);
      await nc.close();
      return text;
    },
  },
  redis: {
    async publish({ url, topic }, message) {
      const client = await redisClient(url);
      await client.lPush(topic, message);
      await client.close();
    },
    async receive({ url, topic }, onReady) {
      const client = await redisClient(url);
      onReady();
      const reply = await client.brPop(topic, 0);
      await client.close();
      return String(reply.element);
    },
  },
  amqp: {
    async publish({ url, topic }, message) {
      const amqp = (await import("amqplib")).default;
      const conn = await amqp.connect(url.href);
      const ch = await conn.createConfirmChannel();
      await ch.assertQueue(topic, { durable: true });
      ch.sendToQueue(topic, Buffer.from(message), { persistent: true });
      await ch.waitForConfirms();
      await conn.close();
    },
    async receive({ url, topic }, onReady) {
      const amqp = (await import("amqplib")).default;
      const conn = await amqp.connect(url.href);
      const ch = await conn.createChannel();
      await ch.assertQueue(topic, { durable: true });
      await ch.prefetch(1);
      const text = await new Promise((resolve, reject) => {
        conn.on("error", reject);
        ch.consume(topic, (msg) => {
          if (!msg) return reject(new Error("consumer cancelled by the broker"));
          ch.ack(msg);
          resolve(msg.content.toString("utf8"));
        }).then(() => onReady(), reject);
      });
      // Close the channel first: it waits for the broker's CloseOk, so the ack has
      // been processed. amqplib may send connection.close (channel 0) ahead of the
      // channel's buffered ack, and the broker would then redeliver the message.
      await ch.close();
      await conn.close();
      return text;
    },
  },
  mqtt: {
    async publish({ url, topic }, message) {
      const mqtt = await import("mqtt");
      const client = await mqtt.connectAsync(url.href, { reconnectPeriod: 0 });
      await client.publishAsync(topic, message, { qos: 1 });
      await client.endAsync();
    },
    async receive({ url, topic }, onReady) {
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
    },
  },
};

function natsOptions(url) {
  const opts = { servers: `${url.hostname}:${url.port || 4222}`, reconnect: false };
  if (url.username) opts.user = decodeURIComponent(url.username);
  if (url.password) opts.pass = decodeURIComponent(url.password);
  return opts;
}

async function redisClient(url) {
  const { createClient } = await import("redis");
  const client = createClient({ url: url.href, socket: { reconnectStrategy: false } });
  client.on("error", () => {}); // surfaced through the rejected command instead
  await client.connect();
  return client;
}
