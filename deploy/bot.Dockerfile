# The webhook front: `grader-server serve --no-runner` (no grading, no Docker socket). Built from a published folder
# by deploy/build-images.sh (no SDK image needed, so it builds offline); BASE_IMAGE must hold the ASP.NET Core 10 runtime.
#   real deployments:  BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0 (the default)
#   offline machines:  BASE_IMAGE=grader/aspnet-offline:<runtime version> (deploy/build-images.sh --offline makes it)
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0
FROM ${BASE_IMAGE}
# A fixed numeric user (no passwd entry needed): the bot writes only below /var/lib/grader.
ARG APP_UID=10001
COPY app/ /opt/grader/
RUN mkdir -p /var/lib/grader /etc/grader && chown ${APP_UID}:0 /var/lib/grader && chmod 0750 /var/lib/grader
ENV HOME=/var/lib/grader \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_gcServer=0
WORKDIR /var/lib/grader
USER ${APP_UID}:0
EXPOSE 3000
ENTRYPOINT ["dotnet", "/opt/grader/grader-server.dll"]
CMD ["--help"]
LABEL org.opencontainers.image.title="grader-server (bot)" \
      org.opencontainers.image.source="deploy/bot.Dockerfile"
