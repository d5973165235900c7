#!/usr/bin/env bash
# The test command (README): installs and starts what the tests need on a bare Debian 12 + .NET 10
# machine (Docker engine, gcc, git, busybox-static, debootstrap, the npm tools, PostgreSQL, chromium), builds everything with
# warnings as errors, makes the local base images with `grader images bootstrap`, then runs every test
# project one after another (timing-sensitive tests must not compete with each other for 2 cores).
#
#   bash scripts/test.sh                      # everything
#   bash scripts/test.sh --filter Hostile     # extra arguments go to every `dotnet test`
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lib/ensure-docker.sh
bash scripts/lib/ensure-test-tools.sh
bash scripts/lib/ensure-npm-tools.sh
bash scripts/lib/ensure-postgres.sh
bash scripts/lib/ensure-chromium.sh

dotnet build Grader.sln -c Release -warnaserror -nologo
dotnet cli/Grader.Cli/bin/Release/net10.0/grader.dll images bootstrap

passed=0
failed=0
status=0
failures=$(mktemp)
# One TRX file per project: the totals are read from them, not from console text.
results=.grader/test-results
rm -rf "$results"
mkdir -p "$results"
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  log=$(mktemp)
  set +e
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
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
      echo "$project: dotnet test exited $rc without a failed test in its TRX" >>"$failures"
    fi
  fi
  # Keep each failed test's name and the start of its message, so the end of the output says what failed.
  grep -A 6 -E '^ +Failed [A-Za-z_][^ ]*( .*)? \[[^]]+\]$' "$log" | grep -v -E '^ +Passed ' >>"$failures" || true
  rm -f "$log"
done

echo
if [[ -s "$failures" ]]; then
  echo "Failed tests (name and the start of each message):"
  head -n 400 "$failures"
  echo
fi
rm -f "$failures"
echo "$passed passed, $failed failed (TRX files: $results/)"
exit $status
