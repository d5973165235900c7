#!/usr/bin/env bash
# Builds Grader's container images from a folder published on this host (`dotnet publish`), so no SDK image and no
# multi-stage build is needed: the same script works where a registry is reachable and where none is.
#
#   deploy/build-images.sh                 # bot + runner FROM mcr.microsoft.com/dotnet/aspnet:10.0 (pulls it)
#   deploy/build-images.sh --offline       # no registry: also builds the runtime base from this host's .NET runtime
#                                          # (FROM a local Debian bookworm image) and PostgreSQL 15 (apt in a RUN step)
#
# Images (PREFIX and TAG below): PREFIXbot:TAG, PREFIXrunner:TAG, PREFIXpostgres:15 (offline) and the offline runtime
# base PREFIXaspnet-offline:<runtime version>. deploy/compose.yaml uses the same names (GRADER_IMAGE_PREFIX, GRADER_IMAGE_TAG).
#
# Options:
#   --offline            build the runtime base (and PostgreSQL) locally; bot and runner are built FROM it
#   --base IMAGE         the base of bot and runner (must hold the ASP.NET Core 10 runtime); overrides the above
#   --debian-base IMAGE  the Debian bookworm image of the offline builds (default grader/python:3.11-bookworm,
#                        made by `grader images bootstrap`)
#   --only LIST          comma-separated subset of: runtime,bot,runner,postgres
#   --prefix PREFIX      image name prefix (default grader/; env GRADER_IMAGE_PREFIX)
#   --tag TAG            tag of bot and runner (default local; env GRADER_IMAGE_TAG)
#   --published DIR      use this `dotnet publish` output instead of publishing cli/Grader.Server again
#   --configuration CFG  the configuration published (default Release)
#   --no-build           publish what `dotnet build -c CFG` built already (dotnet publish --no-build)
#   --label KEY=VALUE    add a label to every image built (repeatable; the tests label what they build)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deploy="$root/deploy"
prefix=${GRADER_IMAGE_PREFIX:-grader/}
tag=${GRADER_IMAGE_TAG:-local}
offline=false
base=""
debian_base=grader/python:3.11-bookworm
only=""
published=""
configuration=Release
no_build=()
labels=()

usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --offline) offline=true ;;
    --base) base=$2; shift ;;
    --debian-base) debian_base=$2; shift ;;
    --only) only=$2; shift ;;
    --prefix) prefix=$2; shift ;;
    --tag) tag=$2; shift ;;
    --published) published=$2; shift ;;
    --configuration) configuration=$2; shift ;;
    --no-build) no_build=(--no-build) ;;
    --label) labels+=(--label "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-images: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "$only" ]; then
  only=bot,runner
  if $offline; then only=runtime,bot,runner,postgres; fi
fi
wants() { [[ ",$only," == *",$1,"* ]]; }
for part in ${only//,/ }; do
  case "$part" in runtime|bot|runner|postgres) ;; *) echo "build-images: --only knows runtime,bot,runner,postgres, not '$part'" >&2; exit 2 ;; esac
done

# The host's ASP.NET Core 10 runtime (the newest 10.x), copied into the offline base.
runtime_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
netcore_version=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
runtime_image="${prefix}aspnet-offline:${runtime_version:-10.0}"
if [ -z "$base" ]; then
  if $offline; then base=$runtime_image; else base=mcr.microsoft.com/dotnet/aspnet:10.0; fi
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/grader-images.XXXXXX")
trap 'rm -rf "$stage"' EXIT

build() { # build NAME DOCKERFILE CONTEXT [ARGS...]
  local name=$1 dockerfile=$2 context=$3
  shift 3
  echo "build-images: $name" >&2
  docker build --quiet -f "$dockerfile" -t "$name" ${labels[@]+"${labels[@]}"} "$@" "$context" >/dev/null
}

if wants runtime; then
  if [ -z "$runtime_version" ] || [ -z "$netcore_version" ]; then
    echo "build-images: no .NET 10 runtime on this host (dotnet --list-runtimes); install the .NET 10 SDK or runtime" >&2
    exit 1
  fi
  if ! docker image inspect "$debian_base" >/dev/null 2>&1; then
    echo "build-images: the Debian base $debian_base is missing: run \`grader images bootstrap\` (or pass --debian-base)" >&2
    exit 1
  fi
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  ctx="$stage/runtime"
  mkdir -p "$ctx/dotnet/shared" "$ctx/dotnet/host" "$ctx/icu"
  cp -a "$dotnet_root/dotnet" "$ctx/dotnet/"
  cp -a "$dotnet_root/host/fxr" "$ctx/dotnet/host/"
  mkdir -p "$ctx/dotnet/shared/Microsoft.NETCore.App" "$ctx/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App/$netcore_version" "$ctx/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$dotnet_root/shared/Microsoft.AspNetCore.App/$runtime_version" "$ctx/dotnet/shared/Microsoft.AspNetCore.App/"
  cp -L /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
  # ICU (culture data for .NET): the host's libraries, the same Debian release as the base.
  icu=$(ldconfig -p | awk '$1 ~ /^libicu(uc|i18n|data)\.so\.[0-9]+$/ { print $NF }' | sort -u)
  if [ -z "$icu" ]; then
    echo "build-images: no ICU libraries on this host (Debian: apt-get install libicu72)" >&2
    exit 1
  fi
  for lib in $icu; do cp -L "$lib" "$ctx/icu/"; done
  build "$runtime_image" "$deploy/runtime-base.Dockerfile" "$ctx" --build-arg "DEBIAN_BASE=$debian_base"
fi

if wants bot || wants runner; then
  ctx="$stage/app"
  mkdir -p "$ctx"
  if [ -n "$published" ]; then
    cp -a "$published" "$ctx/app"
  else
    echo "build-images: dotnet publish cli/Grader.Server" >&2
    dotnet publish "$root/cli/Grader.Server" -c "$configuration" ${no_build[@]+"${no_build[@]}"} -o "$ctx/app" -v q -nologo >&2
  fi
  if [ ! -f "$ctx/app/grader-server.dll" ]; then
    echo "build-images: no grader-server.dll in the published folder" >&2
    exit 1
  fi
  # Native libraries of other platforms (LibGit2Sharp ships a dozen) are dead weight in an image of this one.
  case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; *) rid=linux-x64 ;; esac
  if [ -d "$ctx/app/runtimes" ]; then
    find "$ctx/app/runtimes" -mindepth 1 -maxdepth 1 -type d ! -name "$rid" ! -name unix ! -name linux -exec rm -rf {} +
  fi
  if wants bot; then build "${prefix}bot:$tag" "$deploy/bot.Dockerfile" "$ctx" --build-arg "BASE_IMAGE=$base"; fi
  if wants runner; then build "${prefix}runner:$tag" "$deploy/runner.Dockerfile" "$ctx" --build-arg "BASE_IMAGE=$base"; fi
fi

if wants postgres; then
  if ! docker image inspect "$debian_base" >/dev/null 2>&1; then
    echo "build-images: the Debian base $debian_base is missing: run \`grader images bootstrap\` (or pass --debian-base)" >&2
    exit 1
  fi
  # Its own context: only the entrypoint (never deploy/.env or deploy/secrets/).
  ctx="$stage/postgres"
  mkdir -p "$ctx"
  install -m 0755 "$deploy/postgres-entrypoint.sh" "$ctx/"
  build "${prefix}postgres:15" "$deploy/postgres.Dockerfile" "$ctx" --build-arg "DEBIAN_BASE=$debian_base"
fi

echo "build-images: done ($(echo "$only" | tr , ' '))" >&2
