#!/usr/bin/env bash
# PostgreSQL for the evidence store tests: Debian's postgresql (15), the main cluster started, and a password
# role the tests log in with over loopback (each test fixture creates and drops its own database). Idempotent.
#   GRADER_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=grader_test;Password=grader_test;Database=postgres"
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
fi
version=$(pg_lsclusters -h | awk 'NR==1 {print $1}')
if [[ -z "$version" ]]; then
  version=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'SELECT 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAt" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'grader_test') THEN
    CREATE ROLE grader_test LOGIN CREATEDB PASSWORD 'grader_test';
  END IF;
END $$;
SQL
