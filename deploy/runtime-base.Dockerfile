# The .NET runtime base for machines that cannot pull mcr.microsoft.com/dotnet/aspnet:10.0 (no registry reachable).
# deploy/build-images.sh --offline builds it from a local Debian bookworm image plus this host's own .NET runtime
# (Microsoft.NETCore.App and Microsoft.AspNetCore.App), its CA bundle and its ICU libraries: the host must run the same
# Debian release as the base (bookworm), since the runtime's native parts link against its libraries.
# Nothing here reaches the network: the build context holds everything (see build-images.sh, "staging").
ARG DEBIAN_BASE=grader/python:3.11-bookworm
FROM ${DEBIAN_BASE}
COPY dotnet/ /usr/share/dotnet/
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY icu/ /usr/local/lib/grader-icu/
ENV DOTNET_ROOT=/usr/share/dotnet \
    LD_LIBRARY_PATH=/usr/local/lib/grader-icu \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
# Fails the build here, not at the first start, when the copied runtime cannot run on this base.
RUN ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet && dotnet --list-runtimes | grep -q Microsoft.AspNetCore.App
