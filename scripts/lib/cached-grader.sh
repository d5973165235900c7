#!/usr/bin/env bash
# Prints the path of a published lean `grader` (grader.dll) built from the sources beside this script, building it
# only when no build of the very same sources is cached. Self-hosted runners keep the cache between jobs, so a job
# grades at once instead of compiling on every run (action.yml). The key is a hash of every file of the projects the
# lean grader is built from plus the shared build settings; the cache is $GRADER_CACHE (default
# $RUNNER_TOOL_CACHE/grader, else ~/.cache/grader) and keeps the five newest builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${GRADER_CACHE:-${RUNNER_TOOL_CACHE:-$HOME/.cache}/grader}
projects=(cli/Grader.Cli rubrics/Grader.Rubrics runner/Grader.Runner github/Grader.GitHub action/Grader.Action
  evidence/Grader.Evidence config/Grader.Configuration)
key=$(cd "$root" && {
  find "${projects[@]}" \( -name bin -o -name obj \) -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum
  sha256sum Directory.Build.props Directory.Packages.props global.json
} | sha256sum | cut -c1-20)
target="$cache/$key"
if [ ! -f "$target/grader.dll" ]; then
  mkdir -p "$cache"
  staging=$(mktemp -d "$cache/.build-XXXXXX")
  dotnet publish "$root/cli/Grader.Cli" -c Release -o "$staging" -nologo -v quiet >&2
  # Another job may have published the same key meanwhile: keep the first, drop ours.
  mv -T "$staging" "$target" 2>/dev/null || rm -rf "$staging"
  ls -1dt "$cache"/*/ 2>/dev/null | tail -n +6 | xargs -r rm -rf
fi
echo "$target/grader.dll"
