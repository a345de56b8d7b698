"""The database connection dropped in the middle of an import's write (what a PostgreSQL restart
does to every open connection): nothing half-written, the uploader told to retry."""

import threading
import time

import psycopg
from django.db import connection, connections

from emergency import registry, tasks
from emergency.models import ImportJob, Organization
from tests.factories import workbook

HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]


def test_connection_lost_mid_write_leaves_nothing_and_says_retry(transactional_db, personas, settings):
    settings.IMPORT_BACKGROUND_ROWS = 10_000
    rows = [[f"SAF{i:03d}", f"A区第{i}小学", "DA", "学校", "小学"] for i in range(50)]
    job = tasks.start_import(registry.import_specs["orgs"], personas.district_staff, "a.xlsx", workbook(HEADERS, rows))
    assert job.status == "ready"
    db = connection.settings_dict
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": db["NAME"]}
    blocker = psycopg.connect(**params)
    # Activity statistics are frozen for the length of a transaction: watch from another connection.
    watcher = psycopg.connect(**params, autocommit=True)
    # Hold the organisation table so the import's write waits inside its transaction.
    blocker.execute("LOCK TABLE emergency_organization IN SHARE ROW EXCLUSIVE MODE")

    def confirm():
        try:
            tasks.run_apply(ImportJob.objects.get(pk=job.pk))
        finally:
            connections.close_all()

    writer = threading.Thread(target=confirm)
    writer.start()
    try:
        deadline = time.monotonic() + 60
        pid = None
        while pid is None and time.monotonic() < deadline:
            found = watcher.execute(
                "select pid from pg_stat_activity where %s = any(pg_blocking_pids(pid))", [blocker.info.backend_pid]
            ).fetchone()
            pid = found[0] if found else time.sleep(0.1)
        assert pid, "the import never reached its write"
        watcher.execute("select pg_terminate_backend(%s)", [pid])
    finally:
        blocker.rollback()  # a failing test must not leave the table locked for the next one
        blocker.close()
        watcher.close()
        writer.join(timeout=60)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "请稍后重试" in job.message
    assert not Organization.objects.filter(code__startswith="SAF").exists()
