#!/usr/bin/env bash
# System packages the real-engine e2e suite (test/e2e) needs on Debian bookworm. Idempotent and quiet.
# - docker.io: Debian's engine 20.10 (dockerd, containerd, runc). The suite starts its own private dockerd;
#   this script never starts or enables the system docker service.
# - busybox-static, socat, nats-server, redis-server, mosquitto, mosquitto-clients, amqp-tools: copied (with
#   their ldd libraries) into offline images; rabbitmq-server: its tree and Erlang's (/usr/lib/rabbitmq,
#   /usr/lib/erlang) likewise.
# - iproute2, iptables, mount: the harness inspects and cleans links, iptables rules and netns mounts; the
#   three-node cluster is network namespaces on a bridge (iproute2), with one FORWARD rule (iptables).
# - util-linux (nsenter, unshare: each cluster node's dockerd in its own network and UTS namespace), tar.
# A docker CLI that is already on PATH (e.g. CLI 28 in /usr/local/bin) keeps working: docker.io's own CLI
# goes to /usr/bin and the harness picks the newest CLI it finds.
set -euo pipefail

pkgs=(docker.io busybox-static socat nats-server redis-server mosquitto mosquitto-clients rabbitmq-server amqp-tools
  iproute2 iptables mount util-linux tar)
need=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-e2e: need root to install: ${need[*]}" >&2
  exit 1
fi

# docker.io conflicts with Docker's own docker-ce / docker-ce-cli packages: apt would remove them.
# If the engine comes from Docker's packages, dockerd is already there; refuse rather than replace it.
if printf '%s\n' "${need[@]}" | grep -qx docker.io; then
  for p in docker-ce docker-ce-cli; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
      if command -v dockerd >/dev/null 2>&1; then
        need=("${need[@]/docker.io}")
        break
      fi
      echo "install-e2e: $p is installed (dpkg) without dockerd; installing docker.io would remove it." \
        "Install docker-ce instead." >&2
      exit 1
    fi
  done
fi

export DEBIAN_FRONTEND=noninteractive
source "$(dirname "${BASH_SOURCE[0]}")/without-service-starts.sh"

apt-get update -qq >/dev/null
mapfile -t need < <(printf '%s\n' "${need[@]}" | grep -v '^$')
apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 "${need[@]}" >/dev/null

# On a systemd machine the units may still be enabled for the next boot; the suite needs them stopped now.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl stop docker.service docker.socket >/dev/null 2>&1 || true
fi
