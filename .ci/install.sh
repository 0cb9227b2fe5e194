#!/usr/bin/env bash
# Everything the test suite needs from Debian, installed only when missing (a second
# run takes about a second): `npm test` runs it first, so the README's test command
# works on a fresh machine. Installing needs root; as another user with packages
# missing, it stops and says which.
set -euo pipefail
cd "$(dirname "$0")"
bash ./install-deps.sh
bash ./install-brokers.sh
bash ./install-e2e.sh
