"""Faults around the summary job, against real services: a worker killed with SIGKILL in the
middle of a run, and Redis stopped when a run is asked for."""

import time

import psycopg
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from emergency import tasks
from emergency.celery import app
from emergency.compiler import compile_sections, figures_of
from emergency.models import SummaryRun
from tests.faults import private_redis  # noqa: F401
from tests.worker import wait_for, worker_process  # noqa: F401

from .conftest import YEAR

# Seconds before Redis hands an unacknowledged task to another worker, and of a job's lease.
FAST = {"CELERY_VISIBILITY_TIMEOUT": "4", "JOB_LEASE_SECONDS": "3"}


def test_worker_killed_mid_run_then_restarted_finishes_the_run_once(client, personas, known_tree, worker_process):  # noqa: F811
    expected = {f["key"]: f["value"] for f in figures_of(compile_sections(known_tree.city, YEAR))}
    db = connection.settings_dict
    # Hold a lock the compiler needs, so the first worker is caught mid-run, wherever it is slow or fast.
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    blocker.execute("LOCK TABLE emergency_leadershipgroup IN ACCESS EXCLUSIVE MODE")

    run = tasks.start_summary(known_tree.city, YEAR, personas.city_staff)
    first = worker_process("first", **FAST)
    wait_for(lambda: SummaryRun.objects.get(pk=run.pk).status == "running")
    first.kill()  # SIGKILL to the worker's whole process group: no chance to reject or clean up
    blocker.rollback()
    blocker.close()
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 1)

    # Nobody renews the lease now: once it runs out, the sweeper (beat) takes the run back.
    wait_for(lambda: SummaryRun.objects.get(pk=run.pk).lease_until < timezone.now())
    assert tasks.sweep_jobs() == 1
    client.force_login(personas.city_staff)
    assert "处理中断，正在重试" in client.get(run.get_absolute_url()).content.decode()
    started = time.monotonic()
    worker_process("second", **FAST)
    wait_for(lambda: SummaryRun.objects.get(pk=run.pk).status == "done", timeout=60)
    assert time.monotonic() - started < 60
    run.refresh_from_db()
    assert run.attempts == 2
    assert {f["key"]: f["value"] for f in run.figures} == expected
    assert SummaryRun.objects.count() == 1


def test_redis_down_pages_serve_and_the_request_waits_for_the_queue(
    transactional_db,
    client,
    personas,
    known_tree,
    private_redis,  # noqa: F811
):
    stop, start = private_redis
    stop()
    client.force_login(personas.city_staff)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("emergency:summaryrun_list"), {"organization": "C", "year": YEAR}, follow=True)
    run = SummaryRun.objects.get()
    assert run.status == "queued" and run.sent_at is None
    assert "已排队，服务恢复后自动处理" in response.content.decode()
    start()
    assert tasks.sweep_jobs() == 1  # what beat does twice a lease
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        wait_for(lambda: SummaryRun.objects.get().status == "done")
    run.refresh_from_db()
    assert run.attempts == 1 and run.figures
