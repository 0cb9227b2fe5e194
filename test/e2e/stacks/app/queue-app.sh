#!/bin/sh
# The split pair's stand-in application (busybox sh, with socat or the client tools each kind's app.sh uses).
# STACKMOD_ROLE picks the half; QUEUE_URL, QUEUE_TOPIC and, where the queue needs credentials, QUEUE_USER_FILE /
# QUEUE_PASSWORD_FILE say where, as the split strategy sets them. The protocol of each scheme is its kind's
# test/brokers/kinds/KIND/app.sh, in the image as /usr/local/lib/queue-app/SCHEME.sh: `receive` and `send`.
#   processor: prints "subscribed to TOPIC at ADDRESS" once the queue has its subscription, then "received
#              PAYLOAD" for every message, reconnecting until the queue answers;
#   collector: idles; `sh /usr/local/bin/queue-send.sh PAYLOAD` run inside it publishes.
trap 'exit 0' TERM INT  # PID 1: its children die with it
scheme=${QUEUE_URL%%://*}
addr=${QUEUE_URL#*://}
protocol=/usr/local/lib/queue-app/$scheme.sh
if [ ! -f "$protocol" ]; then
  echo "QUEUE_URL scheme '$scheme': no $protocol (test/brokers/kinds/KIND/app.sh)" >&2
  exit 1
fi
. "$protocol"

# A kind's `receive` may keep one connection: requests go through fd 3 (a FIFO open read-write, so socat never
# sees EOF), replies are read line by line with their trailing \r stripped.
case "$STACKMOD_ROLE" in
  processor)
    while :; do
      rm -f /tmp/to-queue; mkfifo /tmp/to-queue; exec 3<>/tmp/to-queue
      receive
      exec 3>&-
      echo "no connection to $addr, retrying"; sleep 1
    done & wait ;;
  collector) while :; do sleep 1; done & wait ;;
  *) echo "STACKMOD_ROLE is '$STACKMOD_ROLE', expected processor or collector" >&2; exit 1 ;;
esac
