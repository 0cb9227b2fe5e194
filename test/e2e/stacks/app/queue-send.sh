#!/bin/sh
# Publishes $1 to QUEUE_TOPIC at QUEUE_URL with the `send` of the scheme's protocol (see queue-app.sh) and prints
# "published PAYLOAD" once the broker has it.
scheme=${QUEUE_URL%%://*}
addr=${QUEUE_URL#*://}
protocol=/usr/local/lib/queue-app/$scheme.sh
if [ ! -f "$protocol" ]; then
  echo "QUEUE_URL scheme '$scheme': no $protocol (test/brokers/kinds/KIND/app.sh)" >&2
  exit 1
fi
. "$protocol"
send "$1" && echo "published $1"
