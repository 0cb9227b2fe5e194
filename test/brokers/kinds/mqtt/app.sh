# MQTT for the e2e app (test/e2e/stacks/app/queue-app.sh), with Debian's mosquitto clients. The first
# mosquitto_sub only opens the persistent session and exits once the broker has acknowledged the subscription
# (-E); the broker keeps QoS 1 messages for that session until the second one takes them. mosquitto_pub
# publishes at QoS 1 and exits 0 only after the broker's PUBACK.
receive() {
  mosquitto_sub -L "$QUEUE_URL/$QUEUE_TOPIC" -c -i stackmod-processor -q 1 -E || return
  echo "subscribed to $QUEUE_TOPIC at $addr"
  mosquitto_sub -L "$QUEUE_URL/$QUEUE_TOPIC" -c -i stackmod-processor -q 1 -F 'received %p'
}
send() {
  mosquitto_pub -L "$QUEUE_URL/$QUEUE_TOPIC" -q 1 -m "$1"
}
