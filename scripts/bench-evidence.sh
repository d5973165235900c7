#!/usr/bin/env bash
# The evidence export benchmark (README, "Measured figures"): 100,000 signed records of 2,000 learners and 12 modules in
# SQLite and PostgreSQL; each export format against the database's own bulk export of the same rows (sqlite3 -csv,
# COPY ... TO STDOUT), and the HTML report's time to drawn tables in headless Chromium.
#   bash scripts/bench-evidence.sh [runs]     # median of runs (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/lib/ensure-postgres.sh
bash scripts/lib/ensure-chromium.sh
command -v sqlite3 >/dev/null 2>&1 || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq sqlite3 >/dev/null; }
dotnet build tests/Grader.Benchmarks -c Release -warnaserror -nologo -v quiet
dotnet tests/Grader.Benchmarks/bin/Release/net10.0/Grader.Benchmarks.dll evidence "${1:-3}"
