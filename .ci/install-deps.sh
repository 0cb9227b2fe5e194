#!/usr/bin/env bash
# System packages the test suite uses for real: the docker CLI (docker stack config), socat, and
# shellcheck (lints the lan strategy's generated setup script), GNU time (`npm run bench`
# reads CPU time and peak memory from it), and docker-compose (v1, the one Debian has: its
# `config` checks the Compose outputs, which docker stack config's schema does not cover), and
# strace (test/io/read-once.test.ts counts how often a run opens each input).
set -euo pipefail
need=()
command -v docker >/dev/null 2>&1 || need+=(docker.io)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
[ -x /usr/bin/time ] || need+=(time)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v strace >/dev/null 2>&1 || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
