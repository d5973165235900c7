#!/usr/bin/env bash
# The test command (README): installs and starts what the tests need on a bare Debian 12 + .NET 10
# machine (Docker engine, gcc, git, busybox-static, debootstrap, iproute2, the npm tools, PostgreSQL, chromium, promtool),
# builds everything with warnings as errors, makes the local base images with `grader images bootstrap`, then
# runs the tests in two levels, each project one after another (timing-sensitive tests must not compete for 2 cores):
#   1. unit: everything not in the Integration category (no Docker, prism, PostgreSQL or child processes; seconds)
#   2. integration: the Integration category (real engine, GitHub emulator behind prism, databases, processes)
#
#   bash scripts/test.sh                                 # both levels, unit first
#   bash scripts/test.sh --unit                          # only the unit level (no engine needed, nothing installed)
#   bash scripts/test.sh --integration                   # only the integration level
#   bash scripts/test.sh --filter TestCategory=Hostile   # one pass with this filter (other arguments go to `dotnet test`)
set -euo pipefail
cd "$(dirname "$0")/.."

levels=(unit integration)
args=()
for arg in "$@"; do
  case "$arg" in
    --unit) levels=(unit) ;;
    --integration) levels=(integration) ;;
    --filter) levels=(filtered); args+=("$arg") ;;
    *) args+=("$arg") ;;
  esac
done

if [[ "${levels[*]}" != "unit" ]]; then
  bash scripts/lib/ensure-docker.sh
  bash scripts/lib/ensure-test-tools.sh
  bash scripts/lib/ensure-npm-tools.sh
  bash scripts/lib/ensure-postgres.sh
  bash scripts/lib/ensure-chromium.sh
  bash scripts/lib/ensure-prometheus.sh
fi

dotnet build Grader.sln -c Release -warnaserror -nologo
if [[ "${levels[*]}" != "unit" ]]; then
  dotnet cli/Grader.Cli/bin/Release/net10.0/grader.dll images bootstrap
fi

passed=0
failed=0
status=0
failures=$(mktemp)
# One TRX file per project and level: the totals are read from them, not from console text.
results=.grader/test-results
rm -rf "$results"
mkdir -p "$results"
for level in "${levels[@]}"; do
  case "$level" in
    unit) filter=(--filter "TestCategory!=Integration") ;;
    integration) filter=(--filter "TestCategory=Integration") ;;
    *) filter=() ;;
  esac
  echo "== level: $level"
  for project in tests/*.Tests/*.Tests.csproj; do
    name=$(basename "$project" .csproj).$level
    log=$(mktemp)
    set +e
    dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" "${filter[@]}" "${args[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    set -e
    # <Counters total="N" executed="N" passed="N" failed="N" .../> in the TRX file.
    counters=$(grep -oE '<Counters [^>]*>' "$results/$name.trx" 2>/dev/null || true)
    p=$(grep -oE ' passed="[0-9]+"' <<<"$counters" | grep -oE '[0-9]+' || true)
    f=$(grep -oE ' failed="[0-9]+"' <<<"$counters" | grep -oE '[0-9]+' || true)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [[ $rc -ne 0 ]]; then
      status=1
      # A project that failed without counting a failed test (crash, no TRX) still counts as one.
      if [[ -z "$f" || "$f" == 0 ]]; then
        failed=$((failed + 1))
        echo "$project ($level): dotnet test exited $rc without a failed test in its TRX" >>"$failures"
      fi
    fi
    # Keep each failed test's name and the start of its message, so the end of the output says what failed.
    grep -A 6 -E '^ +Failed [A-Za-z_][^ ]*( .*)? \[[^]]+\]$' "$log" | grep -v -E '^ +Passed ' >>"$failures" || true
    rm -f "$log"
  done
done

echo
if [[ -s "$failures" ]]; then
  echo "Failed tests (name and the start of each message):"
  head -n 400 "$failures"
  echo
fi
rm -f "$failures"
echo "$passed passed, $failed failed (levels: ${levels[*]}; TRX files: $results/)"
exit $status
