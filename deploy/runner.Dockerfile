# A grading runner: `grader-server work --queues cpu|gpu ...`. It drives the host's Docker engine through the mounted
# socket (learner images are built and run there; learner containers never get the socket) and, like a runner
# installed on the host, it runs as root: it writes the host's cgroupfs (the build's process and memory limit,
# runner.build_cgroup_limits) and inserts iptables rules in the host's network namespace (service.block_service_to_host).
# Access to the Docker socket is root on the host anyway; see deploy/README.md, "The runner and the Docker socket".
#   real deployments:  BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0 (the default)
#   offline machines:  BASE_IMAGE=grader/aspnet-offline:<runtime version> (deploy/build-images.sh --offline makes it)
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
FROM ${BASE_IMAGE}
# iptables: the service network guard (HostIngressGuard). Its backend must be the host's: nft on Debian 12 / Ubuntu
# 22.04+, legacy on older hosts (IPTABLES_BACKEND=legacy). Needs Debian's or Ubuntu's package mirror at build time.
ARG IPTABLES_BACKEND=nft
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iptables \
 && rm -rf /var/lib/apt/lists/* \
 && update-alternatives --set iptables /usr/sbin/iptables-${IPTABLES_BACKEND} \
 && iptables --version
COPY app/ /opt/grader/
RUN mkdir -p /var/lib/grader/work /var/lib/grader/mirrors /etc/grader
# Work folders and git mirrors go below /var/lib/grader (a volume per runner): set runner.work_root and
# runner.mirror_cache in the runner's config file (deploy/fleet/grader.yaml), not here, so the file stays in charge.
ENV HOME=/var/lib/grader \
    DOTNET_gcServer=0
WORKDIR /var/lib/grader
USER 0:0
ENTRYPOINT ["dotnet", "/opt/grader/grader-server.dll"]
CMD ["--help"]
LABEL org.opencontainers.image.title="grader-server (runner)" \
      org.opencontainers.image.source="deploy/runner.Dockerfile"
