#!/bin/sh
# The split pair's stand-in application (busybox sh + socat for the text protocols, Debian's mosquitto clients
# for MQTT and amqp-tools for AMQP). STACKMOD_ROLE picks the half; QUEUE_URL (nats://, redis://, mqtt:// or
# amqp://), QUEUE_TOPIC and, for AMQP, QUEUE_USER_FILE / QUEUE_PASSWORD_FILE say where, as the split strategy
# sets them.
#   processor: prints "received PAYLOAD" for every message (NATS: SUB in queue group stackmod-processor;
#              Redis: BRPOP on the list QUEUE_TOPIC; MQTT: QoS 1 subscription in a persistent session;
#              AMQP: consumer on the durable queue QUEUE_TOPIC), reconnecting until the queue answers;
#   collector: idles; `sh /usr/local/bin/queue-send.sh PAYLOAD` run inside it publishes.
trap 'exit 0' TERM INT  # PID 1: its children die with it
scheme=${QUEUE_URL%%://*}
addr=${QUEUE_URL#*://}

# One connection: requests go through fd 3 (a FIFO open read-write, so socat never sees EOF), replies are read
# line by line with their trailing \r stripped.
nats() {
  socat - "TCP4:$addr,connect-timeout=2" <&3 | while IFS= read -r line; do
    case "${line%?}" in
      INFO*) printf 'CONNECT {"verbose":false}\r\nSUB %s stackmod-processor 1\r\nPING\r\n' "$QUEUE_TOPIC" >&3 ;;
      PONG) echo "subscribed to $QUEUE_TOPIC at $addr" ;;
      PING) printf 'PONG\r\n' >&3 ;;
      MSG*) IFS= read -r payload; echo "received ${payload%?}" ;;
    esac
  done
}
brpop() { printf '*3\r\n$5\r\nBRPOP\r\n$%s\r\n%s\r\n$1\r\n0\r\n' "${#QUEUE_TOPIC}" "$QUEUE_TOPIC" >&3; }
redis() {
  printf '*1\r\n$4\r\nPING\r\n' >&3
  # BRPOP answers *2, $len, the list's name, $len, the value
  socat - "TCP4:$addr,connect-timeout=2" <&3 | while IFS= read -r line; do
    case "${line%?}" in
      +PONG) echo "subscribed to $QUEUE_TOPIC at $addr"; brpop ;;
      '*2') read -r _; read -r _; read -r _; IFS= read -r value; echo "received ${value%?}"; brpop ;;
    esac
  done
}
# The first mosquitto_sub only opens the persistent session and exits once the broker has acknowledged the
# subscription (-E); the broker keeps QoS 1 messages for that session until the second one takes them.
mqtt() {
  mosquitto_sub -L "$QUEUE_URL/$QUEUE_TOPIC" -c -i stackmod-processor -q 1 -E || return
  echo "subscribed to $QUEUE_TOPIC at $addr"
  mosquitto_sub -L "$QUEUE_URL/$QUEUE_TOPIC" -c -i stackmod-processor -q 1 -F 'received %p'
}

# The durable queue keeps what is published once it is declared; amqp-consume runs sh once per message, with
# the body on its stdin (after `--`, or its -c would be taken for --count). amqp-tools take the credentials
# only inside the URL (the test's are URL-safe).
amqp() {
  url="amqp://$(cat "$QUEUE_USER_FILE"):$(cat "$QUEUE_PASSWORD_FILE")@$addr"
  amqp-declare-queue --url="$url" -d -q "$QUEUE_TOPIC" >/dev/null || return
  echo "subscribed to $QUEUE_TOPIC at $addr"
  amqp-consume --url="$url" -q "$QUEUE_TOPIC" -- sh -c 'echo "received $(cat)"'
}

case "$STACKMOD_ROLE" in
  processor)
    while :; do
      rm -f /tmp/to-queue; mkfifo /tmp/to-queue; exec 3<>/tmp/to-queue
      "$scheme"
      exec 3>&-
      echo "no connection to $addr, retrying"; sleep 1
    done & wait ;;
  collector) while :; do sleep 1; done & wait ;;
  *) echo "STACKMOD_ROLE is '$STACKMOD_ROLE', expected processor or collector" >&2; exit 1 ;;
esac
