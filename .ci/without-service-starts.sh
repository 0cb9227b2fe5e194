# shellcheck shell=bash
# Sourced by the install scripts before apt-get: keeps the packages' maintainer
# scripts from starting their daemons (system dockerd, redis, mosquitto, rabbitmq).
# A policy-rc.d that answers 101 ("action forbidden") is honoured by invoke-rc.d
# and deb-systemd-invoke; one is put in place only if there is none, and removed
# when the sourcing script exits.
stackmod_policy=/usr/sbin/policy-rc.d
stackmod_own_policy=0
if [ ! -e "$stackmod_policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$stackmod_policy"
  chmod 755 "$stackmod_policy"
  stackmod_own_policy=1
fi
trap 'if [ "$stackmod_own_policy" = 1 ]; then rm -f "$stackmod_policy"; fi' EXIT
