# PostgreSQL 15 for machines that cannot pull the official `postgres:15` image. On a machine with a registry, use
# `postgres:15` instead (GRADER_POSTGRES_IMAGE=postgres:15 in deploy/compose.yaml): this image honours the same
# POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB variables and the same data folder, so the two are interchangeable.
# Built from a local Debian bookworm image; the RUN step needs Debian's package mirror (reachable from the default
# bridge on these machines, where no registry is).
ARG DEBIAN_BASE=grader/python:3.11-bookworm
FROM ${DEBIAN_BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* /var/lib/postgresql/15 /etc/postgresql/15/main \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql \
 && chmod 0700 /var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
CMD ["postgres"]
LABEL org.opencontainers.image.title="PostgreSQL 15 for Grader (offline build)" \
      org.opencontainers.image.source="deploy/postgres.Dockerfile"
