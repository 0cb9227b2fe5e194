#!/bin/sh
# Publishes $1 to QUEUE_TOPIC at QUEUE_URL and prints "published PAYLOAD" once the broker has it: NATS answers
# the PING only after handling the PUB; Redis answers LPUSH with the list's length (":N"); mosquitto_pub
# publishes at QoS 1 and exits 0 only after the broker's PUBACK; amqp-publish (persistent, to the queue named
# QUEUE_TOPIC through the default exchange) exits 0 only after the broker has closed the connection cleanly.
scheme=${QUEUE_URL%%://*}
addr=${QUEUE_URL#*://}
if [ "$scheme" = mqtt ]; then
  mosquitto_pub -L "$QUEUE_URL/$QUEUE_TOPIC" -q 1 -m "$1" && echo "published $1"
  exit
fi
if [ "$scheme" = amqp ]; then
  amqp-publish --url="amqp://$(cat "$QUEUE_USER_FILE"):$(cat "$QUEUE_PASSWORD_FILE")@$addr" -r "$QUEUE_TOPIC" -p -b "$1" &&
    echo "published $1"
  exit
fi
n=$(printf %s "$1" | wc -c)
case "$scheme" in
  nats) printf 'CONNECT {"verbose":false}\r\nPUB %s %s\r\n%s\r\nPING\r\n' "$QUEUE_TOPIC" "$n" "$1"; ok='^PONG' ;;
  redis) printf '*3\r\n$5\r\nLPUSH\r\n$%s\r\n%s\r\n$%s\r\n%s\r\n' "${#QUEUE_TOPIC}" "$QUEUE_TOPIC" "$n" "$1"; ok='^:[0-9]' ;;
  *) echo "QUEUE_URL scheme '$scheme' is not nats, redis, mqtt or amqp" >&2; exit 1 ;;
esac | socat -t 3 - "TCP4:$addr,connect-timeout=3" | grep -q "$ok" && echo "published $1"
