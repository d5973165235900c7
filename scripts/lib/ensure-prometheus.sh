#!/usr/bin/env bash
# promtool for the ops/ tests (alerting rules checked and unit-tested, dashboard queries parsed): Debian's
# prometheus package ships it. Only the tool is used: the package's server is not started. Idempotent.
set -euo pipefail
if ! command -v promtool >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq prometheus >/dev/null
fi
promtool --version >/dev/null
