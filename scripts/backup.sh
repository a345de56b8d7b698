#!/usr/bin/env bash
# Back up 应急管理工作台: the database and the uploaded files, together, into a timestamped folder.
#
#   scripts/backup.sh [DIR]            make backup [DIR=/srv/backups]
#
# Writes DIR/YYYYMMDD-HHMMSS/ (DIR defaults to var/backups) holding
#   database.dump   pg_dump --format=custom of the database named by DATABASE_URL
#   media.tar.gz    the uploaded files: MEDIA_ROOT as the Django settings read it (DJANGO_MEDIA_ROOT)
#   MANIFEST        what was backed up, from where, when, and the sizes
# and prints the folder's path on the last line. The folder appears only once both parts are
# complete (it is written as .partial-… and renamed), so a folder without that prefix is whole.
#
# The database is dumped first, then the files: an upload writes its file before its row, so every
# file a dumped row names is already on disk when the files are packed (a later upload may add a
# file no row names yet, which does no harm). The site may keep running while this runs.
#
# Put it back with:  scripts/restore.sh DIR/YYYYMMDD-HHMMSS   (make restore DIR=…)
#
# Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/emergency), the DJANGO_*
# variables of the deployment (the settings are loaded to find MEDIA_ROOT), PYTHON (default
# .venv/bin/python). Needs pg_dump of the server's major version or newer, and tar.
set -euo pipefail

# A DIR given relative to where the command was typed, before moving to the project folder.
target="$(realpath -m "${1:-$(dirname "$0")/../var/backups}")"
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/emergency}"
export DATABASE_URL DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-emergency.settings}"

media="$("$PYTHON" -c "from django.conf import settings; print(settings.MEDIA_ROOT)")"
stamp="$(date +%Y%m%d-%H%M%S)"
mkdir -p "$target"
partial="$target/.partial-$stamp"
final="$target/$stamp"
if [ -e "$final" ]; then
  echo "backup: $final already exists" >&2
  exit 1
fi
trap 'rm -rf "$partial"' EXIT
mkdir "$partial"

pg_dump --format=custom --no-owner --no-privileges --file "$partial/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$partial/media.tar.gz" .
else
  tar -czf "$partial/media.tar.gz" --files-from /dev/null  # no uploads yet: an empty archive
fi

{
  echo "created: $(date -Iseconds)"
  echo "database: ${DATABASE_URL%%\?*}" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#'
  echo "media_root: $media"
  echo "database.dump: $(wc -c < "$partial/database.dump") bytes"
  echo "media.tar.gz: $(wc -c < "$partial/media.tar.gz") bytes, $(tar -tzf "$partial/media.tar.gz" | grep -vc '/$') files"
} > "$partial/MANIFEST"

mv "$partial" "$final"
trap - EXIT
echo "$final"
