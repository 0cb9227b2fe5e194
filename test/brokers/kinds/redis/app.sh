# Redis for the e2e app (test/e2e/stacks/app/queue-app.sh), over one socat connection: the processor BRPOPs the
# list QUEUE_TOPIC; an LPUSH is the broker's once it has answered with the list's length (":N").
brpop() { printf '*3\r\n$5\r\nBRPOP\r\n$%s\r\n%s\r\n$1\r\n0\r\n' "${#QUEUE_TOPIC}" "$QUEUE_TOPIC" >&3; }
receive() {
  printf '*1\r\n$4\r\nPING\r\n' >&3
  # BRPOP answers *2, $len, the list's name, $len, the value
  socat - "TCP4:$addr,connect-timeout=2" <&3 | while IFS= read -r line; do
    case "${line%?}" in
      +PONG) echo "subscribed to $QUEUE_TOPIC at $addr"; brpop ;;
      '*2') read -r _; read -r _; read -r _; IFS= read -r value; echo "received ${value%?}"; brpop ;;
    esac
  done
}
send() {
  n=$(printf %s "$1" | wc -c)
  printf '*3\r\n$5\r\nLPUSH\r\n$%s\r\n%s\r\n$%s\r\n%s\r\n' "${#QUEUE_TOPIC}" "$QUEUE_TOPIC" "$n" "$1" |
    socat -t 3 - "TCP4:$addr,connect-timeout=3" | grep -q '^:[0-9]'
}
