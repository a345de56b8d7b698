"""No import left behind, against real services: Redis stopped at upload and at confirm, Redis
restarted empty with work queued, and the whole worker SIGKILLed in the middle of a write."""

import io
import time

from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from emergency import tasks
from emergency.celery import app
from emergency.models import ImportJob, Organization, SummaryRun
from tests.factories import workbook
from tests.faults import DatabaseOutage, private_redis  # noqa: F401
from tests.worker import wait_for, worker_process  # noqa: F401

from .conftest import YEAR

HEADERS = ["单位代码", "单位名称", "上级单位代码", "单位类型", "学段"]
WAITING = "已排队，服务恢复后自动处理"
# Seconds before Redis hands an unacknowledged task to another worker, and of a job's lease.
FAST = {"CELERY_VISIBILITY_TIMEOUT": "4", "JOB_LEASE_SECONDS": "3"}


def upload(client, prefix: str, n: int):
    f = io.BytesIO(workbook(HEADERS, [[f"{prefix}{i:04d}", f"A区第{i}小学", "DA", "学校", "小学"] for i in range(n)]))
    f.name = "many.xlsx"
    return client.post(reverse("emergency:import_upload", args=["orgs"]), {"file": f})


def thread_worker():
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30)


def test_broker_down_at_upload_and_at_confirm_the_job_waits_then_runs_once(
    transactional_db,
    client,
    personas,
    settings,
    private_redis,  # noqa: F811
):
    stop, start = private_redis
    settings.IMPORT_BACKGROUND_ROWS = 50
    client.force_login(personas.district_staff)
    stop()
    response = upload(client, "SQD", 300)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.status, job.sent_at) == ("queued", None)
    assert WAITING in client.get(job.get_absolute_url()).content.decode()
    start()
    assert tasks.sweep_jobs() == 1  # what beat does
    with thread_worker():
        wait_for(lambda: ImportJob.objects.get().status == "ready")

    stop()
    confirm = reverse("emergency:importjob_confirm", args=[job.pk])
    assert client.post(confirm).status_code == 302
    page = client.get(job.get_absolute_url()).content.decode()
    assert WAITING in page
    # Confirming again while it waits is not refused: the page shows it on its way.
    again = client.post(confirm, follow=True).content.decode()
    assert "不能再确认" not in again and WAITING in again
    start()
    assert tasks.sweep_jobs() == 1
    with thread_worker():
        wait_for(lambda: ImportJob.objects.get().status == "done")
    job.refresh_from_db()
    assert job.to_add == 300 and "新增 300 行" in job.message
    assert Organization.objects.filter(code__startswith="SQD").count() == 300


def test_broker_restarted_empty_with_work_queued_runs_it(
    transactional_db,
    client,
    personas,
    known_tree,
    settings,
    private_redis,  # noqa: F811
):
    stop, start = private_redis
    settings.IMPORT_BACKGROUND_ROWS = 50
    client.force_login(personas.city_staff)
    upload(client, "SQE", 100)
    run = tasks.start_summary(known_tree.city, YEAR, personas.city_staff)
    job = ImportJob.objects.get()
    assert job.sent_at and SummaryRun.objects.get(pk=run.pk).sent_at  # both reached the broker
    stop()
    start()  # without its data: both messages are gone
    assert tasks.sweep_jobs() == 0  # not yet: a queue may be long
    settings.JOB_RESEND_SECONDS = 0  # as if JOB_RESEND_SECONDS had passed
    assert tasks.sweep_jobs() == 2
    with thread_worker():
        wait_for(lambda: ImportJob.objects.get().status == "ready" and SummaryRun.objects.get().status == "done")
    assert SummaryRun.objects.get().attempts == 1


def test_whole_worker_killed_mid_write_then_a_new_worker_writes_once(
    client,
    personas,
    settings,
    worker_process,  # noqa: F811
):
    settings.IMPORT_BACKGROUND_ROWS = 10_000
    client.force_login(personas.district_staff)
    upload(client, "SQK", 300)
    job = ImportJob.objects.get()
    assert job.status == "ready"
    settings.IMPORT_BACKGROUND_ROWS = 50
    # Hold the organisation table so the first worker's write waits inside its transaction.
    outage = DatabaseOutage("LOCK TABLE emergency_organization IN SHARE ROW EXCLUSIVE MODE")
    try:
        client.post(reverse("emergency:importjob_confirm", args=[job.pk]))
        first = worker_process("first", **FAST)
        wait_for(outage.blocked)
        first.kill()  # SIGKILL to the worker's whole process group: no chance to reject or clean up
    finally:
        outage.close()
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 1)

    wait_for(lambda: ImportJob.objects.get().lease_until < timezone.now())
    assert tasks.sweep_jobs() == 1
    assert "处理中断，正在重试" in client.get(job.get_absolute_url()).content.decode()
    started = time.monotonic()
    worker_process("second", **FAST)
    wait_for(lambda: ImportJob.objects.get().status == "done", timeout=60)
    assert time.monotonic() - started < 60
    job.refresh_from_db()
    assert job.attempts == 2
    assert (job.to_add, job.unchanged) == (300, 0)  # what the run that committed wrote
    assert Organization.objects.filter(code__startswith="SQK").count() == 300


def test_the_sweeper_runs_on_the_beat_twice_a_lease():
    app.finalize()  # the apps' jobs join beat's schedule here
    entry = app.conf.beat_schedule["sweep-jobs"]
    assert entry["task"] == tasks.sweep_jobs.name
    assert entry["schedule"] == django_settings.JOB_LEASE_SECONDS / 2
