"""scripts/backup.sh and scripts/restore.sh, round trip: on a scratch database of its own, records and
uploaded files are backed up, changed, restored, and are exactly as they were, history included."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# Runs inside `manage.py shell`: what the database and the media folder hold, as JSON.
SNAPSHOT = """
import hashlib, json
from pathlib import Path

from django.db import connection
from django.conf import settings
from pghistory.models import Events
from emergency.models import Attachment, Document, Organization
media = Path(settings.MEDIA_ROOT)
print(json.dumps({
    "orgs": list(Organization.objects.order_by("code").values_list("code", "name", "path")),
    "documents": list(Document.objects.order_by("title").values_list("title", "file")),
    "attachments": list(Attachment.objects.order_by("pk").values_list("original_name", "file")),
    "history": Events.objects.count(),
    "files": {str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted(media.rglob("*")) if p.is_file()},
}))
"""
BEFORE = """
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from emergency.models import Attachment, Document, Organization
city = Organization.objects.create(code="C", name="市教育局", kind="city")
district = Organization.objects.create(code="DA", name="区县A教育局", kind="district", parent=city)
school = Organization.objects.create(code="SA1", name="A区第一小学", kind="school", parent=district, stage="primary")
doc = Document.objects.create(organization=school, title="应急预案", kind="work_plan", issued_on="2026-03-01",
                              file=ContentFile("预案全文".encode(), name="plan.pdf"), original_name="应急预案.pdf")
Attachment.objects.create(organization=school, content_type=ContentType.objects.get_for_model(Document),
                          object_id=doc.pk, kind="photo", file=ContentFile(b"\\x89PNG drill", name="drill.png"),
                          original_name="演练照片.png", size=11)
"""
AFTER = """
from emergency.models import Attachment, Document, Organization
school = Organization.objects.get(code="SA1")
school.name = "改过的名字"
school.save()
Organization.objects.create(code="SA2", name="新学校", kind="school", parent=school.parent, stage="primary")
for attachment in Attachment.objects.all():
    attachment.file.delete(save=False)
    attachment.delete()
Document.objects.all().delete()
"""


def run(args, env, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def shell(code: str, env) -> str:
    return run([sys.executable, "manage.py", "shell", "-c", code], env).stdout


def snapshot(env) -> dict:
    return json.loads(shell(SNAPSHOT, env).strip().splitlines()[-1])


def test_backup_then_restore_brings_back_records_and_files(tmp_path):
    # The same server as the tests' own database, whether DATABASE_URL is set or the default is used.
    db = connection.settings_dict
    config = {"HOST": db["HOST"] or "127.0.0.1", "PORT": db["PORT"] or 5432, "USER": db["USER"]}
    name = f"emergency_rel_backup_{secrets.token_hex(4)}"
    server_url = f"postgres://{config['USER']}@{config['HOST']}:{config['PORT']}/postgres"
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    media = tmp_path / "media"
    env = {
        **base,
        "DATABASE_URL": f"{server_url.rsplit('/', 1)[0]}/{name}",
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_SETTINGS_MODULE": "emergency.settings",
        "PYTHON": sys.executable,
    }
    assert db["NAME"] != name
    run(["psql", server_url, "-qc", f'create database "{name}"'], base)
    try:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        shell(BEFORE, env)
        before = snapshot(env)
        assert len(before["orgs"]) == 3 and len(before["files"]) == 2 and before["history"] >= 5

        made = run(["scripts/backup.sh", str(tmp_path / "backups")], env).stdout.strip().splitlines()[-1]
        folder = Path(made) if Path(made).is_absolute() else ROOT / made
        assert sorted(p.name for p in folder.iterdir()) == ["MANIFEST", "database.dump", "media.tar.gz"]
        assert folder.parent == tmp_path / "backups" and not list(folder.parent.glob(".partial-*"))

        shell(AFTER, env)
        (media / "stray.txt").write_text("written after the backup")
        changed = snapshot(env)
        assert changed != before and not changed["documents"]

        run(["scripts/restore.sh", str(folder)], env)
        after = snapshot(env)
        assert after == before
        # What was in the media folder before the restore is kept aside, not deleted.
        kept = [p for p in tmp_path.iterdir() if p.name.startswith("media.before-restore-")]
        assert len(kept) == 1 and (kept[0] / "stray.txt").exists()
    finally:
        subprocess.run(
            ["psql", server_url, "-qc", f'drop database if exists "{name}" with (force)'],
            env=base,
            capture_output=True,
            timeout=60,
        )
    query = f"select count(*) from pg_database where datname = '{name}'"  # noqa: S608  (a name made above)
    listed = run(["psql", server_url, "-tAc", query], base)
    assert listed.stdout.strip() == "0"


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path):
    result = subprocess.run(["scripts/restore.sh", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr
