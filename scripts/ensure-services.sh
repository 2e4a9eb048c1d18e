#!/usr/bin/env bash
# Starts the local PostgreSQL server for the integration tests if it is installed but stopped.
set -uo pipefail
if command -v pg_isready >/dev/null 2>&1 && pg_isready -h 127.0.0.1 -p 5432 -q; then
  exit 0
fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
  done
  for _ in $(seq 1 20); do
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && exit 0
    sleep 0.5
  done
fi
echo "WARNING: no PostgreSQL server on 127.0.0.1:5432; PostgreSQL integration tests will be SKIPPED" >&2
exit 0
