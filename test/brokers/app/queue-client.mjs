// The queue contract the split strategy's collector/processor pair follows.
// Reads only: QUEUE_URL, QUEUE_TOPIC, STACKMOD_ROLE, and (when QUEUE_URL has no
// credentials) QUEUE_USER_FILE / QUEUE_PASSWORD_FILE (Swarm secrets).
//
// The client for each scheme is its kind's test/brokers/kinds/KIND/client.mjs, which
// says what survives a processor restart; the one whose `scheme` is QUEUE_URL's runs.
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const PROCESSOR_GROUP = "stackmod-processor";

const KINDS = new URL("../kinds/", import.meta.url);

export async function queueConfig(env = process.env) {
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
  const clients = await loadClients();
  const client = clients.find((c) => c.scheme === scheme);
  if (!client) {
    const known = clients.map((c) => c.scheme).join(", ");
    throw new Error(`QUEUE_URL scheme ${scheme}: is not one of ${known}`);
  }
  return { url, scheme, topic, role, client };
}

/** Every kind's client, in the order of the folders' names. */
export async function loadClients() {
  const folders = readdirSync(KINDS, { withFileTypes: true }).filter((entry) => entry.isDirectory());
  const files = folders.map((entry) => new URL(`${entry.name}/client.mjs`, KINDS)).filter((file) => existsSync(file));
  return Promise.all(files.map((file) => import(file.href)));
}

/** Publish one message and close. */
export async function publishOne(cfg, message) {
  return cfg.client.publish(cfg, message);
}

/** Subscribe, call onReady() once subscribed, resolve with the first message (string), close. */
export async function receiveOne(cfg, onReady = () => {}) {
  return cfg.client.receive(cfg, onReady);
}
