#!/usr/bin/env bash
# Compares Grader's load generator with wrk on the same fast loopback endpoint, in one run:
#  (a) maximum throughput: closed loop at high concurrency vs `wrk` with the same connection count;
#  (b) latency overhead: p50 in a closed loop at low concurrency vs `wrk` at the same concurrency, plus
#      our open loop at a fixed moderate rate (wrk has no fixed-rate mode; Debian ships no wrk2).
# Prints the figures and the ratios (ours / wrk). Usage: scripts/bench-load.sh [seconds per measurement]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-10}"
high_connections="${HIGH_CONNECTIONS:-64}"
low_connections="${LOW_CONNECTIONS:-4}"
open_rate="${OPEN_RATE:-1000}"
port="${PORT:-$((20000 + RANDOM % 20000))}"
url="http://127.0.0.1:${port}/"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
dotnet build tests/Grader.LoadProbe/Grader.LoadProbe.csproj -c Release -v quiet -nologo >/dev/null
probe=(dotnet tests/Grader.LoadProbe/bin/Release/net10.0/Grader.LoadProbe.dll)

"${probe[@]}" serve "$port" &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$url" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "$url" >/dev/null

# wrk's latency lines look like "50%  123.45us"; convert to ms.
wrk_p50_ms() { awk '$1 == "50%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
  f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : 1; printf "%.3f", v * f }'; }
wrk_rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }'; }
json() { python3 -c "import json,sys; print(round(json.load(sys.stdin)['$1'], 3))"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "endpoint: $url (Kestrel, GET / -> ok); $(nproc) CPUs; ${seconds}s per measurement, 2s warm-up"

echo "== (a) max throughput, closed loop, ${high_connections} connections"
wrk_high=$(wrk -t2 -c"$high_connections" -d"${seconds}s" --latency "$url")
ours_high=$("${probe[@]}" load "$url" --mode closed --concurrency "$high_connections" --duration "$seconds" --warmup 2 --json)
wrk_high_rps=$(wrk_rps <<<"$wrk_high")
ours_high_rps=$(json throughput <<<"$ours_high")
echo "wrk:  ${wrk_high_rps} req/s"
echo "ours: ${ours_high_rps} req/s"
echo "throughput ratio ours/wrk: $(ratio "$ours_high_rps" "$wrk_high_rps")"

echo "== (b) p50 latency, closed loop, ${low_connections} connections"
wrk_low=$(wrk -t1 -c"$low_connections" -d"${seconds}s" --latency "$url")
ours_low=$("${probe[@]}" load "$url" --mode closed --concurrency "$low_connections" --duration "$seconds" --warmup 2 --json)
wrk_low_p50=$(wrk_p50_ms <<<"$wrk_low")
ours_low_p50=$(json p50_ms <<<"$ours_low")
echo "wrk:  p50 ${wrk_low_p50} ms at $(wrk_rps <<<"$wrk_low") req/s"
echo "ours: p50 ${ours_low_p50} ms at $(json throughput <<<"$ours_low") req/s"
echo "p50 ratio ours/wrk: $(ratio "$ours_low_p50" "$wrk_low_p50")"

echo "== (b') open loop at ${open_rate} req/s (latency from the intended send time)"
ours_open=$("${probe[@]}" load "$url" --mode open --rate "$open_rate" --duration "$seconds" --warmup 2 --json)
ours_open_p50=$(json p50_ms <<<"$ours_open")
echo "ours: p50 ${ours_open_p50} ms, p99 $(json p99_ms <<<"$ours_open") ms, achieved $(json achieved_rate <<<"$ours_open") of ${open_rate} req/s, fell behind: $(python3 -c "import json,sys; print(json.load(sys.stdin)['fell_behind'])" <<<"$ours_open")"
echo "open-loop p50 ratio ours/wrk(closed, ${low_connections} connections): $(ratio "$ours_open_p50" "$wrk_low_p50")"
