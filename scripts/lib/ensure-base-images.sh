#!/usr/bin/env bash
# Local base images the tests and bundled examples use (no registry is reachable): grader/busybox:1 from
# Debian's busybox-static and grader/python:3.11-bookworm from debootstrap + docker import. The same recipe
# as `grader images bootstrap` (runner/Grader.Runner/Images/BaseImages.cs), in shell so CI can run it
# before anything is built. Idempotent: an image that exists is kept.
set -euo pipefail

if ! docker image inspect grader/busybox:1 >/dev/null 2>&1; then
  ctx=$(mktemp -d)
  cp /bin/busybox "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
RUN mkdir -p /tmp /etc && echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd && echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> /etc/passwd && echo 'root:x:0:' > /etc/group && echo 'nogroup:x:65534:' >> /etc/group && chmod 1777 /tmp
CMD ["/bin/sh"]
DOCKERFILE
  docker build -q -t grader/busybox:1 "$ctx" >/dev/null
  rm -rf "$ctx"
fi

if ! docker image inspect grader/python:3.11-bookworm >/dev/null 2>&1; then
  echo "grader: building grader/python:3.11-bookworm (debootstrap, about a minute)..." >&2
  root=$(mktemp -d)
  debootstrap --variant=minbase --include=python3,python3-numpy,python3-pytest bookworm "$root" http://deb.debian.org/debian >/dev/null
  tar -C "$root" -c . | docker import -c 'CMD ["/usr/bin/python3"]' - grader/python:3.11-bookworm >/dev/null
  rm -rf "$root"
fi
