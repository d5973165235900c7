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
for project in tests/*.Tests/*.Tests.csproj; do
  log=$(mktemp)
  set +e
  dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  # The console logger ends with "Total tests: N", "Passed: N" and, when any failed, "Failed: N".
  p=$(grep -E '^ +Passed: +[0-9]+$' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  f=$(grep -E '^ +Failed: +[0-9]+$' "$log" | tail -n 1 | grep -oE '[0-9]+' || true)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [[ $rc -ne 0 ]]; then
    status=1
    # A project that failed without counting a failed test (crash, build problem) still counts as one.
    [[ -n "$f" && "$f" != 0 ]] || failed=$((failed + 1))
  fi
  # Keep each failed test's name and the start of its message, so the end of the output says what failed.
  grep -A 6 -E '^ +Failed [A-Za-z_]' "$log" | grep -v -E '^ +Passed ' >>"$failures" || true
  rm -f "$log"
done

echo
if [[ -s "$failures" ]]; then
  echo "Failed tests (name and the start of each message):"
  head -n 400 "$failures"
  echo
fi
rm -f "$failures"
echo "$passed passed, $failed failed"
exit $status
