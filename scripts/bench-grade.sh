#!/usr/bin/env bash
# Benchmark: `grader grade` on the MOD-101 Lab 2 passing example against the same work done with plain
# Docker commands, in the same run, cold and warm, several repetitions; prints medians and ratios.
#
# Same work on both sides: build the image, read its size (docker image inspect), run the learner's unit
# tests in a container with no network, start the service on an internal network and run the hidden tests
# from the grader's own image against it (JUnit XML written), as the rubric does.
#   cold: a fresh copy of the submission whose Dockerfile carries a new LABEL right after FROM, so no layer
#         can come from the build cache (plain side also uses --no-cache); the grader's reusable image does
#         not match either (new context digest).
#   warm: a re-grade of the unchanged submission: the grader reuses the image built from the identical
#         context; the plain side runs docker build again (every layer from the cache) and the tests.
#
#   bash scripts/bench-grade.sh [repetitions]     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
rubric=rubrics/courses/mod-101-lab2.yaml
example=examples/mod-101-lab2/passing
hidden=rubrics/hidden/mod-101-lab2
runner="bench-$$"
work=$(mktemp -d /tmp/grader-bench.XXXXXX)
export Grader__Runner__RunnerId="$runner"
export Grader__Runner__WorkRoot="$work/jobs"

cleanup() {
  docker ps -aq --filter "label=dev.grader.runner=$runner" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=dev.grader.runner=$runner" | xargs -r docker network rm >/dev/null 2>&1 || true
  docker images -q --filter "label=dev.grader.runner=$runner" | sort -u | xargs -r docker rmi -f >/dev/null 2>&1 || true
  docker images --format '{{.Repository}}:{{.Tag}}' | grep -E "^(grader-reuse/$runner|bench-plain-$runner):" | xargs -r docker rmi -f >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash scripts/lib/ensure-docker.sh
echo "bench: building grader (Release)..." >&2
dotnet build cli/Grader.Cli/Grader.Cli.csproj -c Release -o "$work/bin" -v quiet -nologo >/dev/null
grader="$work/bin/grader"
"$grader" images bootstrap >/dev/null

now() { date +%s%N; }
seconds() { python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / 1e9:.3f}')" "$1" "$2"; }

# A fresh copy of the submission that shares no build-cache layer with any earlier build.
fresh_copy() {
  local dir="$work/sub-$1"
  rm -rf "$dir"
  cp -r "$example" "$dir"
  sed -i "0,/^FROM .*/s//&\nLABEL bench.nonce=\"$runner-$1-$RANDOM$RANDOM\"/" "$dir/Dockerfile"
  echo "$dir"
}

grade() { # dir -> seconds
  local t0 t1
  t0=$(now)
  "$grader" grade --rubric "$rubric" "$1" --out "$work/out" >"$work/grade.log" 2>&1 || { cat "$work/grade.log" >&2; echo "bench: grading failed" >&2; exit 1; }
  t1=$(now)
  seconds "$t0" "$t1"
}

plain() { # dir no-cache(0/1) -> seconds
  local dir=$1 nocache=$2 tag="bench-plain-$runner:latest" t0 t1 flags=()
  ((nocache)) && flags+=(--no-cache)
  t0=$(now)
  docker build -q "${flags[@]}" --label "dev.grader.runner=$runner" -t "$tag" "$dir" >/dev/null 2>&1
  docker image inspect --format '{{.Size}}' "$tag" >/dev/null
  docker run --rm --network none --read-only --tmpfs /tmp --tmpfs /grader/results --user 65534:65534 --memory 1g --cpus 1 --pids-limit 256 \
    --label "dev.grader.runner=$runner" -w /app "$tag" python3 -m pytest -q -p no:cacheprovider tests --junitxml=/grader/results/junit.xml >/dev/null
  local net="bench-plain-$runner" svc="bench-plain-svc-$runner"
  docker network create --internal --label "dev.grader.runner=$runner" "$net" >/dev/null
  docker run -d --name "$svc" --network "$net" --read-only --tmpfs /tmp --memory 1g --cpus 1 --pids-limit 256 \
    --label "dev.grader.runner=$runner" "$tag" >/dev/null
  local ip
  ip=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$svc")
  # Readiness as the grader waits for it (GET /health), then the hidden tests from the grader's image.
  docker run --rm --network "$net" --read-only --tmpfs /tmp --tmpfs /grader/results --user 65534:65534 --memory 1g --cpus 1 --pids-limit 256 \
    --label "dev.grader.runner=$runner" -v "$PWD/$hidden:/grader/hidden:ro" -w /grader/hidden -e "GRADER_SERVICE_URL=http://$ip:8080" \
    grader/python:3.11-bookworm sh -c 'python3 -c "
import time, urllib.request
for _ in range(600):
    try:
        urllib.request.urlopen(\"$GRADER_SERVICE_URL/health\", timeout=1); break
    except Exception:
        time.sleep(0.1)
" && python3 -m pytest -q -p no:cacheprovider /grader/hidden --junitxml=/grader/results/hidden.xml' >/dev/null
  docker rm -f "$svc" >/dev/null
  docker network rm "$net" >/dev/null
  t1=$(now)
  seconds "$t0" "$t1"
}

declare -a cold_grader cold_plain warm_grader warm_plain
for ((i = 1; i <= reps; i++)); do
  # Alternate which side goes first so neither always meets a warmer page cache.
  a=$(fresh_copy "g$i"); b=$(fresh_copy "p$i")
  if ((i % 2)); then cg=$(grade "$a"); cp=$(plain "$b" 1); else cp=$(plain "$b" 1); cg=$(grade "$a"); fi
  # Warm: the same unchanged submissions again.
  if ((i % 2)); then wg=$(grade "$a"); wp=$(plain "$b" 0); else wp=$(plain "$b" 0); wg=$(grade "$a"); fi
  cold_grader+=("$cg"); cold_plain+=("$cp"); warm_grader+=("$wg"); warm_plain+=("$wp")
  printf 'rep %d: cold grader %6.2fs plain %6.2fs | warm grader %6.2fs plain %6.2fs\n' "$i" "$cg" "$cp" "$wg" "$wp"
done

python3 - "${cold_grader[*]}" "${cold_plain[*]}" "${warm_grader[*]}" "${warm_plain[*]}" <<'PY'
import statistics, sys
cg, cp, wg, wp = ([float(x) for x in a.split()] for a in sys.argv[1:5])
m = statistics.median
print()
print(f"median cold: grader {m(cg):.2f}s, plain docker {m(cp):.2f}s, ratio grader/plain {m(cg)/m(cp):.3f}")
print(f"median warm: grader {m(wg):.2f}s, plain docker {m(wp):.2f}s, ratio grader/plain {m(wg)/m(wp):.3f}")
PY
