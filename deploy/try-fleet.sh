#!/usr/bin/env bash
# Tries the fleet on one machine: builds the images, starts PostgreSQL, the bot and two runners with docker-compose
# (deploy/compose.yaml), waits until the bot and the runners answer /healthz and shows what runs.
#
#   deploy/try-fleet.sh            # offline build (this host's .NET runtime, local Debian base; see deploy/README.md)
#   deploy/try-fleet.sh --online   # bot and runner FROM mcr.microsoft.com/dotnet/aspnet:10.0, PostgreSQL from postgres:15
#   deploy/try-fleet.sh --no-build # use the images already built
#   deploy/try-fleet.sh -f FILE    # also this compose override file (repeatable; e.g. a GPU runner, docs/fleet.md)
# Stop it: docker-compose -f deploy/compose.yaml down   (add -v to drop the database and the runners' work volumes)
#
# Needs: Docker (scripts/lib/ensure-docker.sh starts one), docker-compose (apt-get install docker-compose), the .NET 10
# SDK; offline also the local base image (`grader images bootstrap`) and Debian's package mirror for two RUN steps.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deploy="$root/deploy"
mode=offline
build=true
files=(-f compose.yaml)
timeout_s=${GRADER_FLEET_TIMEOUT:-180}
while [ $# -gt 0 ]; do
  arg=$1
  case "$arg" in
    --online) mode=online ;;
    --offline) mode=offline ;;
    --no-build) build=false ;;
    -f) files+=(-f "$(readlink -f "$2")"); shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "try-fleet: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  echo "try-fleet: docker-compose is missing (Debian: apt-get install -y docker-compose)" >&2
  exit 1
fi
bash "$root/scripts/lib/ensure-docker.sh"

# Secrets of this trial, made once and kept out of git (deploy/.gitignore).
if [ ! -f "$deploy/.env" ]; then
  # umask in a subshell: only the secrets file is private; what the images are built from keeps its modes.
  (
    umask 077
    echo "GRADER_WEBHOOK_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" > "$deploy/.env"
    echo "GRADER_POSTGRES_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >> "$deploy/.env"
  )
  echo "try-fleet: wrote deploy/.env (webhook secret and database password of this trial)" >&2
fi
mkdir -p "$deploy/secrets"
if [ ! -f "$deploy/secrets/evidence-signing-key.pem" ]; then
  # One ES256 key for the whole fleet: runners sign the evidence of the gradings they run (bot/README.md, "The fleet").
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$deploy/secrets/evidence-signing-key.pem" 2>/dev/null
  chmod 640 "$deploy/secrets/evidence-signing-key.pem"   # the bot runs with group 0 (deploy/bot.Dockerfile)
  echo "try-fleet: wrote deploy/secrets/evidence-signing-key.pem (the fleet's evidence signing key)" >&2
fi
if [ ! -f "$deploy/secrets/github-app.pem" ]; then
  echo "try-fleet: no deploy/secrets/github-app.pem: the fleet grades, but publishing to GitHub waits in the outbox until the App's key is there" >&2
fi

if $build; then
  if [ "$mode" = offline ]; then
    "$deploy/build-images.sh" --offline
  else
    "$deploy/build-images.sh"
    export GRADER_POSTGRES_IMAGE=${GRADER_POSTGRES_IMAGE:-postgres:15}
  fi
fi

cd "$deploy"
"${compose[@]}" "${files[@]}" up -d

# Poll each process's health endpoint until it answers (or the deadline passes); no fixed waits. The runners use the
# host's network, so their health ports (--urls in compose.yaml) answer on this host's loopback.
port=$(sed -n 's/^GRADER_BOT_PORT=//p' .env | tail -n 1)
port=${GRADER_BOT_PORT:-${port:-3000}}
deadline=$((SECONDS + timeout_s))
wait_healthy() { # wait_healthy SERVICE URL
  local service=$1 url=$2 id state
  until curl -fsS "$url" >/dev/null 2>&1; do
    id=$("${compose[@]}" "${files[@]}" ps -q "$service")
    state=$( [ -n "$id" ] && docker inspect -f '{{.State.Status}} {{.RestartCount}}' "$id" || echo "missing 0")
    # A process that exited or restarted will not come up by waiting: say so now, not at the deadline.
    if [ $SECONDS -ge $deadline ] || [[ "$state" != "running 0" && "$state" != "created 0" ]]; then
      echo "try-fleet: $service did not answer $url (container: $state); its log:" >&2
      "${compose[@]}" "${files[@]}" logs --tail 40 "$service" >&2 || true
      exit 1
    fi
    sleep 1 # the poll interval; readiness itself is what the loop waits for
  done
  echo "try-fleet: $service answers $url" >&2
}
wait_healthy bot "http://127.0.0.1:$port/healthz"
wait_healthy runner-1 "http://127.0.0.1:3101/healthz"
wait_healthy runner-2 "http://127.0.0.1:3102/healthz"
echo "try-fleet: webhooks go to http://<this host>:$port/api/github/webhooks (put TLS in front: docs/fleet.md)" >&2
"${compose[@]}" "${files[@]}" ps
