#!/usr/bin/env bash
# Debian's chromium for the HTML report test (driven headless through Playwright's ExecutablePath; Playwright's own
# browser download is not used). Idempotent.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
