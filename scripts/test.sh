#!/usr/bin/env bash
# The test command (README): installs and starts what the tests need on a bare Debian 12 + .NET 10
# machine, then runs every test project of Grader.sln.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/lib/ensure-docker.sh
bash scripts/lib/ensure-test-tools.sh
bash scripts/lib/ensure-npm-tools.sh
bash scripts/lib/ensure-base-images.sh

dotnet build Grader.sln -c Release -warnaserror
dotnet test Grader.sln -c Release --no-build --logger "console;verbosity=normal" "$@"
