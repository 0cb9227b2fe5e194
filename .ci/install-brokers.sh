#!/usr/bin/env bash
# Installs the message brokers that test/brokers/ starts as private, short-lived
# processes: nats-server, redis-server, mosquitto, rabbitmq-server (Debian packages).
# Idempotent and quiet. Makes sure none of them is left running (or enabled) as a
# system service: the tests start their own instances on free loopback ports.
set -euo pipefail

pkgs=(nats-server redis-server mosquitto rabbitmq-server)
bins=(nats-server redis-server mosquitto rabbitmq-server)
services=(nats-server redis-server mosquitto rabbitmq-server epmd)

missing=()
for i in "${!pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${pkgs[$i]}" 2>/dev/null | grep -q 'ok installed' \
     || ! PATH="$PATH:/usr/sbin" command -v "${bins[$i]}" >/dev/null 2>&1; then
    missing+=("${pkgs[$i]}")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  source "$(dirname "${BASH_SOURCE[0]}")/without-service-starts.sh"
  # apt's lists may be missing on a fresh machine; another apt may hold the lock.
  install=(apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}")
  if ! "${install[@]}" >/tmp/install-brokers.log 2>&1; then
    apt-get update -qq -o DPkg::Lock::Timeout=300 >>/tmp/install-brokers.log 2>&1
    "${install[@]}" >>/tmp/install-brokers.log 2>&1 || { cat /tmp/install-brokers.log >&2; exit 1; }
  fi
fi

# Whatever started them (an older install, a machine with systemd, no policy-rc.d):
# stop and disable the system services. Without systemd, stop through the init
# scripts (they act on the system instances only, through their pid files).
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  for s in "${services[@]}"; do
    systemctl disable --now "$s" >/dev/null 2>&1 || true
  done
  systemctl disable --now epmd.socket >/dev/null 2>&1 || true
else
  # service -> the user its system instance runs as
  declare -A owner=([redis-server]=redis [mosquitto]=mosquitto [rabbitmq-server]=rabbitmq [nats-server]=nats)
  for s in "${!owner[@]}"; do
    if pgrep -u "${owner[$s]}" >/dev/null 2>&1 && [ -x "/etc/init.d/$s" ]; then
      "/etc/init.d/$s" stop >/dev/null 2>&1 || true
    fi
  done
  # rabbitmq-server leaves Erlang's port mapper daemon (epmd, port 4369) running.
  if pgrep -u rabbitmq -x epmd >/dev/null 2>&1; then epmd -kill >/dev/null 2>&1 || true; fi
fi
exit 0
