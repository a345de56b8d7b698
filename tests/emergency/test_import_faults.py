"""The database connection dropped in the middle of an import (what a PostgreSQL restart does to
every open connection, new ones refused for a while): nothing half-written, the job says so once
the database is back, and the uploader retries from the page."""

import os
import subprocess
import sys
import threading

from django.db import connections
from django.urls import reverse

from emergency import registry, tasks
from emergency.models import ImportJob, Organization
from tests.factories import workbook
from tests.faults import DatabaseOutage, database_params
from tests.worker import ROOT

HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]


def schools(prefix: str, n: int) -> bytes:
    return workbook(HEADERS, [[f"{prefix}{i:03d}", f"A区第{i}小学", "DA", "学校", "小学"] for i in range(n)])


def in_thread(step, *args) -> threading.Thread:
    def run():
        try:
            step(*args)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_connection_lost_mid_write_leaves_nothing_says_retry_and_the_retry_writes(
    transactional_db, client, personas, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 10_000
    job = tasks.start_import(registry.import_specs["orgs"], personas.district_staff, "a.xlsx", schools("SAF", 50))
    assert job.status == "ready"
    job.confirmed_at = job.created_at
    job.save()
    # Hold the organisation table so the import's write waits inside its transaction.
    outage = DatabaseOutage("LOCK TABLE emergency_organization IN SHARE ROW EXCLUSIVE MODE")
    writer = in_thread(tasks.run_apply, ImportJob.objects.get(pk=job.pk))
    try:
        outage.cut(refuse_for=2)
    finally:
        outage.close()
        writer.join(timeout=60)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "请稍后重试" in job.message
    assert not Organization.objects.filter(code__startswith="SAF").exists()

    client.force_login(personas.district_staff)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-retry"' in page
    client.post(reverse("emergency:importjob_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.to_add) == ("done", 50)
    assert Organization.objects.filter(code__startswith="SAF").count() == 50


def test_connection_lost_during_validation_fails_the_job_and_the_retry_validates(
    transactional_db, client, personas, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 10
    settings.JOB_LEASE_SECONDS = 3
    job = tasks.start_import(registry.import_specs["orgs"], personas.district_staff, "a.xlsx", schools("SAV", 300))
    assert job.status == "queued"
    # Hold the organisation table: validation waits on its first look at the uploader's units.
    outage = DatabaseOutage("LOCK TABLE emergency_organization IN ACCESS EXCLUSIVE MODE")
    validator = in_thread(tasks.validate_import.run, job.pk)
    try:
        outage.cut(refuse_for=2)
    finally:
        outage.close()
        validator.join(timeout=60)
    job.refresh_from_db()
    assert job.status == "failed" and "数据库连接中断" in job.message

    client.force_login(personas.district_staff)
    client.post(reverse("emergency:importjob_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "queued" and job.message == ""
    tasks.validate_import.run(job.pk)  # what the worker does with the message the retry sent
    job.refresh_from_db()
    assert (job.status, job.to_add) == ("ready", 300)


def test_command_line_import_says_one_chinese_line_when_the_database_dies(transactional_db, personas, tmp_path):
    path = tmp_path / "schools.xlsx"
    path.write_bytes(schools("SAC", 50))
    db = database_params()
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['user']}@{db['host']}:{db['port']}/{db['dbname']}"}
    outage = DatabaseOutage("LOCK TABLE emergency_organization IN SHARE ROW EXCLUSIVE MODE")
    command = subprocess.Popen(
        [sys.executable, "manage.py", "import_records", "orgs", str(path), "--user", "district_staff"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        outage.cut(refuse_for=0)
    finally:
        outage.close()
        out, err = command.communicate(timeout=60)
    assert command.returncode == 1
    assert "Traceback" not in err
    assert err.strip().splitlines() == ["CommandError: 数据库连接中断，未写入任何数据，请稍后重试"]
    assert not Organization.objects.filter(code__startswith="SAC").exists()
