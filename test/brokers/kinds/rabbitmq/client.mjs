// A durable RabbitMQ queue named QUEUE_TOPIC, persistent messages, publisher confirms, manual ack: survives a
// processor restart.
export const scheme = "amqp";

export async function publish({ url, topic }, message) {
  const amqp = (await import("amqplib")).default;
  const conn = await amqp.connect(url.href);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue(topic, { durable: true });
  ch.sendToQueue(topic, Buffer.from(message), { persistent: true });
  await ch.waitForConfirms();
  await conn.close();
}

export async function receive({ url, topic }, onReady) {
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
}
