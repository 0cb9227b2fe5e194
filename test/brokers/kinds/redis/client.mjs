// A Redis LIST: LPUSH by the collector, BRPOP by the processor. Chosen over pub/sub because the list keeps
// messages while the processor is down or restarting (pub/sub drops them), and BRPOP hands each message to
// exactly one processor replica.
export const scheme = "redis";

export async function publish({ url, topic }, message) {
  const client = await redisClient(url);
  await client.lPush(topic, message);
  await client.close();
}

export async function receive({ url, topic }, onReady) {
  const client = await redisClient(url);
  onReady();
  const reply = await client.brPop(topic, 0);
  await client.close();
  return String(reply.element);
}

async function redisClient(url) {
  const { createClient } = await import("redis");
  const client = createClient({ url: url.href, socket: { reconnectStrategy: false } });
  client.on("error", () => {}); // surfaced through the rejected command instead
  await client.connect();
  return client;
}
