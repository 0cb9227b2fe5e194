// core NATS subject, queue group "stackmod-processor": replicas share the load; a message published while no
// processor is subscribed is lost.
import { PROCESSOR_GROUP } from "../../app/queue-client.mjs";

export const scheme = "nats";

export async function publish({ url, topic }, message) {
  const { connect } = await import("nats");
  const nc = await connect(natsOptions(url));
  nc.publish(topic, new TextEncoder().encode(message));
  await nc.flush();
  await nc.close();
}

export async function receive({ url, topic }, onReady) {
  const { connect } = await import("nats");
  const nc = await connect(natsOptions(url));
  const sub = nc.subscribe(topic, { queue: PROCESSOR_GROUP, max: 1 });
  await nc.flush(); // the server has the subscription
  onReady();
  let text = "";
  for await (const m of sub) text = new TextDecoder().decode(m.data);
  await nc.close();
  return text;
}

function natsOptions(url) {
  const opts = { servers: `${url.hostname}:${url.port || 4222}`, reconnect: false };
  if (url.username) opts.user = decodeURIComponent(url.username);
  if (url.password) opts.pass = decodeURIComponent(url.password);
  return opts;
}
