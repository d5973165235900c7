#!/usr/bin/env bash
# Tries the fleet on one machine: builds the images, starts PostgreSQL, the bot and two runners with docker-compose
# (deploy/compose.yaml), waits until the bot answers /healthz and shows what runs.
#
#   deploy/try-fleet.sh            # offline build (this host's .NET runtime, local Debian base; see deploy/README.md)
#   deploy/try-fleet.sh --online   # bot and runner FROM mcr.microsoft.com/dotnet/aspnet:10.0, PostgreSQL from postgres:15
#   deploy/try-fleet.sh --no-build # use the images already built
# Stop it: docker-compose -f deploy/compose.yaml down   (add -v to drop the database and the runners' work volumes)
#
# Needs: Docker (scripts/lib/ensure-docker.sh starts one), docker-compose (apt-get install docker-compose), the .NET 10
# SDK; offline also the local base image (`grader images bootstrap`) and Debian's package mirror for two RUN steps.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deploy="$root/deploy"
mode=offline
build=true
timeout_s=${GRADER_FLEET_TIMEOUT:-180}
for arg in "$@"; do
  case "$arg" in
    --online) mode=online ;;
    --offline) mode=offline ;;
    --no-build) build=false ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "try-fleet: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
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
  umask 077
  {
    echo "GRADER_WEBHOOK_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "GRADER_POSTGRES_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  } > "$deploy/.env"
  echo "try-fleet: wrote deploy/.env (webhook secret and database password of this trial)" >&2
fi
mkdir -p "$deploy/secrets"
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
"${compose[@]}" -f compose.yaml up -d

# Poll the bot's health endpoint until it answers (or the deadline passes); no fixed waits.
port=$(sed -n 's/^GRADER_BOT_PORT=//p' .env | tail -n 1)
port=${GRADER_BOT_PORT:-${port:-3000}}
deadline=$((SECONDS + timeout_s))
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  if [ $SECONDS -ge $deadline ]; then
    echo "try-fleet: the bot did not answer http://127.0.0.1:$port/healthz within ${timeout_s}s; its log:" >&2
    "${compose[@]}" -f compose.yaml logs --tail 40 bot >&2 || true
    exit 1
  fi
  # A bot that exited will not come up: say so now instead of at the deadline.
  if [ -n "$("${compose[@]}" -f compose.yaml ps -q bot)" ] \
     && [ "$(docker inspect -f '{{.State.Status}}' "$("${compose[@]}" -f compose.yaml ps -q bot)")" = exited ]; then
    echo "try-fleet: the bot exited; its log:" >&2
    "${compose[@]}" -f compose.yaml logs --tail 40 bot >&2 || true
    exit 1
  fi
  sleep 1 # the poll interval; readiness itself is what the loop waits for
done
echo "try-fleet: the bot answers http://127.0.0.1:$port/healthz; webhooks go to http://<this host>:$port/api/github/webhooks" >&2
"${compose[@]}" -f compose.yaml ps
