#!/usr/bin/env bash
# Quick start on a fresh Debian 12 + .NET 10 machine: makes sure the Docker engine runs, installs
# debootstrap and busybox-static, builds `grader`, makes the local base images (`grader images bootstrap`),
# then grades every bundled example with its rubric and checks each verdict against the one expected in
# examples/*/examples.txt. Exits 0 when every example got its expected verdict.
#
#   bash scripts/quickstart.sh            # everything
#   bash scripts/quickstart.sh passing    # only examples whose folder name matches
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-}"

bash scripts/lib/ensure-docker.sh
need=()
for pkg in debootstrap busybox-static; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if ((${#need[@]})); then
  echo "quickstart: installing ${need[*]}..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "quickstart: building grader..."
dotnet build cli/Grader.Cli/Grader.Cli.csproj -c Release -o .grader/bin -v quiet -nologo >/dev/null
grader=.grader/bin/grader

"$grader" images bootstrap

status=0
summary=()
for manifest in examples/*/examples.txt; do
  module_dir=$(dirname "$manifest")
  while read -r folder rubric expected; do
    [[ -z "$folder" || "$folder" == \#* ]] && continue
    [[ -n "$filter" && "$folder" != *"$filter"* ]] && continue
    out=".grader/out/$(basename "$module_dir")/$folder"
    echo
    echo "=== $module_dir/$folder (expected: $expected)"
    set +e
    "$grader" grade --rubric "$rubric" "$module_dir/$folder" --out "$out"
    rc=$?
    set -e
    case $rc in
      0) verdict=passed ;;
      1) verdict=failed ;;
      *) verdict=incomplete ;;
    esac
    if [[ "$verdict" == "$expected" ]]; then
      summary+=("ok    $module_dir/$folder: $verdict")
    else
      summary+=("WRONG $module_dir/$folder: $verdict, expected $expected (exit $rc)")
      status=1
    fi
  done <"$manifest"
done

echo
echo "=== verdicts"
printf '%s\n' "${summary[@]}"
exit $status
