# AMQP for the e2e app (test/e2e/stacks/app/queue-app.sh), with Debian's amqp-tools, which take the credentials
# only inside the URL (the test's are URL-safe). The durable queue keeps what is published once it is declared;
# amqp-consume runs sh once per message, with the body on its stdin (after `--`, or its -c would be taken for
# --count). amqp-publish (persistent, to the queue named QUEUE_TOPIC through the default exchange) exits 0 only
# after the broker has closed the connection cleanly.
amqp_url() { echo "amqp://$(cat "$QUEUE_USER_FILE"):$(cat "$QUEUE_PASSWORD_FILE")@$addr"; }
receive() {
  url=$(amqp_url)
  amqp-declare-queue --url="$url" -d -q "$QUEUE_TOPIC" >/dev/null || return
  echo "subscribed to $QUEUE_TOPIC at $addr"
  amqp-consume --url="$url" -q "$QUEUE_TOPIC" -- sh -c 'echo "received $(cat)"'
}
send() {
  amqp-publish --url="$(amqp_url)" -r "$QUEUE_TOPIC" -p -b "$1"
}
