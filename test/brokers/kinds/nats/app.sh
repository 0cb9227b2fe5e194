# NATS for the e2e app (test/e2e/stacks/app/queue-app.sh), over one socat connection: the processor SUBscribes in
# queue group stackmod-processor; a PUB is the broker's once it has answered the PING after it.
receive() {
  socat - "TCP4:$addr,connect-timeout=2" <&3 | while IFS= read -r line; do
    case "${line%?}" in
      INFO*) printf 'CONNECT {"verbose":false}\r\nSUB %s stackmod-processor 1\r\nPING\r\n' "$QUEUE_TOPIC" >&3 ;;
      PONG) echo "subscribed to $QUEUE_TOPIC at $addr" ;;
      PING) printf 'PONG\r\n' >&3 ;;
      MSG*) IFS= read -r payload; echo "received ${payload%?}" ;;
    esac
  done
}
send() {
  n=$(printf %s "$1" | wc -c)
  printf 'CONNECT {"verbose":false}\r\nPUB %s %s\r\n%s\r\nPING\r\n' "$QUEUE_TOPIC" "$n" "$1" |
    socat -t 3 - "TCP4:$addr,connect-timeout=3" | grep -q '^PONG'
}
