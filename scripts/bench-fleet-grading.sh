#!/usr/bin/env bash
# The fleet's end-to-end grading throughput (bot/README.md, "The fleet"): the MOD-101 Lab 2 examples submitted as pull
# requests (signed webhook deliveries to a real `grader-server serve --no-runner`, GitHub served by the emulator behind
# prism, PostgreSQL), graded by ONE or TWO `grader-server work` runner processes (same --concurrency each), timed from
# the first delivery to the last completed check run. One- and two-runner runs alternate on fresh databases; each
# submission copy gets a Dockerfile LABEL nonce of its own, so no run reuses another's build cache or image.
#   bash scripts/bench-fleet-grading.sh [runs] [copies] [--concurrency N] [--examples a,b,...]
#     runs: per configuration (default 3); copies: of each example per run (default 4); --concurrency: per runner
#     (default 1); --examples: folders of examples/mod-101-lab2 (default passing,failing-tests,broken-dockerfile,
#     oversized-image: hanging-tests only waits out a 3 min timeout, see FleetGradingBenchmark.cs).
# Everything it creates (processes, containers, networks, volumes, images, databases, folders) is removed on exit,
# also on failure or Ctrl-C; a backstop here sweeps what a killed benchmark process could not.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lib/ensure-docker.sh
bash scripts/lib/ensure-postgres.sh
bash scripts/lib/ensure-npm-tools.sh
dotnet build tests/Grader.Benchmarks -c Release -warnaserror -nologo -v quiet
dotnet cli/Grader.Cli/bin/Release/net10.0/grader.dll images bootstrap >/dev/null

export GRADER_BENCH_PREFIX="fleetgrading-$$"
# Every folder the benchmark and the processes it starts make (runs, learners' repositories, the emulator's) lies below it.
work=$(mktemp -d /tmp/grader-fleet-grading.XXXXXX)
export TMPDIR="$work"
bench=""
backstop() {
  # The benchmark cleans up after itself (also on SIGINT/SIGTERM); this only catches what a SIGKILLed one left.
  if [[ -n "$bench" ]] && kill -0 "$bench" 2>/dev/null; then
    kill -TERM "$bench" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$bench" 2>/dev/null || break; sleep 1; done
  fi
  # Its process group (setsid below): grader-server processes and worker processes it started.
  [[ -n "$bench" ]] && kill -KILL -- "-$bench" 2>/dev/null || true
  local label="dev.grader.runner"
  docker ps -a --filter "label=$label" --format "{{.ID}} {{.Label \"$label\"}}" | awk -v p="$GRADER_BENCH_PREFIX-" 'index($2, p) == 1 {print $1}' | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls --filter "label=$label" --format "{{.ID}} {{.Label \"$label\"}}" | awk -v p="$GRADER_BENCH_PREFIX-" 'index($2, p) == 1 {print $1}' | xargs -r docker network rm >/dev/null 2>&1 || true
  docker volume ls --filter "label=$label" --format "{{.Name}} {{.Label \"$label\"}}" | awk -v p="$GRADER_BENCH_PREFIX-" 'index($2, p) == 1 {print $1}' | xargs -r docker volume rm -f >/dev/null 2>&1 || true
  docker images -q --filter "label=$label" | sort -u | xargs -r docker image inspect --format "{{.Id}} {{index .Config.Labels \"$label\"}}" 2>/dev/null \
    | awk -v p="$GRADER_BENCH_PREFIX-" 'index($2, p) == 1 {print $1}' | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "^grader-reuse/$GRADER_BENCH_PREFIX-" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  local prefix="${GRADER_BENCH_PREFIX//-/_}_"
  su postgres -c "psql -qAt -c \"SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'\"" 2>/dev/null \
    | while read -r db; do su postgres -c "psql -qAt -c 'DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)'" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap backstop EXIT
trap 'exit 130' INT TERM

echo "machine: nproc $(nproc), memory $(free -h | awk '/^Mem:/ {print $2}'), load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
setsid dotnet tests/Grader.Benchmarks/bin/Release/net10.0/Grader.Benchmarks.dll fleet-grading "$@" &
bench=$!
status=0
wait "$bench" || status=$?
echo "machine: nproc $(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
exit "$status"
