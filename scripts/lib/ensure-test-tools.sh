#!/usr/bin/env bash
# Debian packages the tests use beyond Docker: gcc (NVML stand-in library), git, busybox-static,
# debootstrap (local base images, no registry here), iproute2 (network namespaces of the hostile build tests) and
# docker-compose (deploy/compose.yaml, checked by the deploy tests).
set -euo pipefail
need=()
for pkg in gcc git busybox-static debootstrap iproute2 docker-compose; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
