#!/usr/bin/env bash
# Restore 应急管理工作台 from a folder written by scripts/backup.sh: the database and the uploaded files.
#
#   scripts/restore.sh DIR             make restore DIR=var/backups/20261128-180000
#
# - The database named by DATABASE_URL gets the dump back with pg_restore --clean --if-exists, in a
#   single transaction: if anything fails, the database is left exactly as it was.
# - MEDIA_ROOT (as the Django settings read it) gets the backup's files: the current folder is first
#   moved aside to MEDIA_ROOT.before-restore-YYYYMMDD-HHMMSS (nothing is deleted; remove it by hand
#   once the restore is checked), then the archive is unpacked into a fresh MEDIA_ROOT.
#
# Stop the web server, the Celery worker and beat first: they would write while the restore runs.
# Restore a backup into the same release of the application it was made with (the same migrations);
# to bring an older backup forward, restore it into an empty database (scripts/createdb.sh) and run
# `manage.py migrate` afterwards.
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/emergency), the DJANGO_*
# variables of the deployment, PYTHON (default .venv/bin/python). Needs pg_restore and tar.
set -euo pipefail

if [ $# -ne 1 ] || [ ! -f "$1/database.dump" ] || [ ! -f "$1/media.tar.gz" ]; then
  echo "usage: scripts/restore.sh DIR   (DIR holds database.dump and media.tar.gz from scripts/backup.sh)" >&2
  exit 2
fi
source="$(realpath "$1")"
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/emergency}"
export DATABASE_URL DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-emergency.settings}"
media="$("$PYTHON" -c "from django.conf import settings; print(settings.MEDIA_ROOT)")"

# Both parts are checked before either is touched.
pg_restore --list "$source/database.dump" > /dev/null
tar -tzf "$source/media.tar.gz" > /dev/null

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname "$DATABASE_URL" "$source/database.dump"

stamp="$(date +%Y%m%d-%H%M%S)"
if [ -e "$media" ]; then
  mv "$media" "$media.before-restore-$stamp"
  echo "restore: the files that were in $media are kept in $media.before-restore-$stamp"
fi
mkdir -p "$media"
tar -C "$media" -xzf "$source/media.tar.gz"
echo "restore: database and files restored from $source"
