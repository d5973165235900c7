#!/usr/bin/env bash
# npm tools the tests use, installed into tools/node from the committed lock file (idempotent):
# @octokit/openapi (GitHub's OpenAPI description) and @stoplight/prism-cli (request validation proxy).
set -euo pipefail
cd "$(dirname "$0")/../../tools/node"
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
# Reinstall only when the lock file changed since the last install.
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
