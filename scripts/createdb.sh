#!/usr/bin/env bash
# Creates the database named in DATABASE_URL when it is missing.
set -eu
url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/emergency}"
name="${url##*/}"; name="${name%%\?*}"
server="${url%/*}/postgres"
if ! psql "$server" -tAc "select 1 from pg_database where datname='$name'" | grep -q 1; then
  echo "Creating database $name"
  psql "$server" -qc "create database \"$name\""
fi
