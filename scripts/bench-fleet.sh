#!/usr/bin/env bash
# The fleet's dispatch benchmark (bot/README.md, "The fleet"): jobs per second from scheduling to completion through the
# bot's scheduler, store and Hangfire on PostgreSQL with a no-op grading, against a bare Hangfire.PostgreSql loop with
# the same workers and storage options, alternated in the same run on fresh databases, after a discarded warm-up run of each.
#   bash scripts/bench-fleet.sh [runs] [jobs]     # median of runs (default 5) of jobs no-op gradings (default 1000), after a warm-up
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lib/ensure-postgres.sh
dotnet build tests/Grader.Benchmarks -c Release -warnaserror -nologo -v quiet
dotnet tests/Grader.Benchmarks/bin/Release/net10.0/Grader.Benchmarks.dll fleet "${1:-5}" "${2:-1000}"
