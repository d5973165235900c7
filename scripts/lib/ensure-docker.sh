#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io when no daemon is
# installed, and starts dockerd in the background when it is not running (no systemd here).
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "grader: installing the Docker engine (Debian docker.io)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi
echo "grader: starting dockerd..." >&2
mkdir -p /var/log
setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.5
done
echo "grader: dockerd did not start; see /var/log/dockerd.log" >&2
tail -n 30 /var/log/dockerd.log >&2 || true
exit 1
