"""No job left behind: how imports and summaries (models.BackgroundJob) are sent to Celery, taken
by exactly one worker and found again when something underneath failed.

- `send` never fails a request: with the broker down the job stays queued and says so.
- `claim` gives a job to one worker under a lease (`JOB_LEASE_SECONDS`) that `holding_lease`
  renews from a thread while the step runs, however long; a delivery that finds the lease held
  (the broker handing a long job out again after its visibility timeout) does nothing.
- `sweep` (beat) sends again what the database says is queued and never reached the broker, or
  whose message a Redis restarted empty lost, and takes back jobs whose lease ran out because
  their worker died: they say "处理中断，正在重试" until a worker runs them again.
- `record` writes a job's final state, retrying while the database restarts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from .celery import app
from .models import BackgroundJob, ImportJob, JobStatus, SummaryRun

Job = TypeVar("Job", bound=BackgroundJob)

JOB_MODELS: tuple[type[BackgroundJob], ...] = (ImportJob, SummaryRun)
MAX_ATTEMPTS = 3
# Waits between tries of a state write while PostgreSQL restarts: about a minute in all.
RECORD_BACKOFF = (0.5, 1, 2, 4, 8, 15, 30)


def lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def send(job: BackgroundJob) -> bool:
    """Send the job's step to the broker; when it is down, leave the job queued for the sweeper."""
    model = type(job)
    try:
        app.send_task(job.task_name(), args=[job.pk], retry=False)
    except BrokerUnavailable:
        job.sent_at = None
    else:
        job.sent_at = timezone.now()
    model.objects.filter(pk=job.pk).update(sent_at=job.sent_at)
    return job.sent_at is not None


def send_on_commit(job: BackgroundJob) -> None:
    transaction.on_commit(lambda: send(job))


def claim(jobs: QuerySet[Job], pk: int, task_name: str) -> Job | None:
    """Take the job for this worker if this task is its next step and it is queued, or running under
    a lease that ran out; never a finished one, nor one a live worker holds."""
    with transaction.atomic():
        job = jobs.select_for_update(of=("self",)).filter(pk=pk).first()
        if job is None or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING) or job.task_name() != task_name:
            return None
        now = timezone.now()
        if job.status == JobStatus.RUNNING and (job.lease_until is None or job.lease_until > now):
            return None
        job.attempts += 1
        if job.attempts > MAX_ATTEMPTS:
            job.status, job.lease_until = JobStatus.FAILED, None
            setattr(job, job.message_field, _("处理多次中断，已停止，请重试"))
        else:
            job.status, job.progress, job.lease_until = JobStatus.RUNNING, 0, now + lease()
            setattr(job, job.message_field, "")
        job.save()
        return job if job.status == JobStatus.RUNNING else None


@contextmanager
def holding_lease(job: BackgroundJob) -> Iterator[None]:
    """Renew the job's lease from a thread of its own (its own connection) while the step runs, so a
    long step is never taken for a dead one; a killed worker stops renewing and the lease runs out."""
    stop = threading.Event()
    jobs = type(job).objects.filter(pk=job.pk, status=JobStatus.RUNNING)

    def renew() -> None:
        try:
            while not stop.wait(settings.JOB_LEASE_SECONDS / 3):
                try:
                    jobs.update(lease_until=timezone.now() + lease())
                except DatabaseError:
                    connection.close()  # the database is away: try again at the next beat
        finally:
            connection.close()

    renewer = threading.Thread(target=renew, name=f"lease-{job._meta.model_name}-{job.pk}", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()


def record(job: BackgroundJob, **fields) -> None:
    """Write how the job failed or stopped, trying again while the database is restarting; if it stays
    away, the lease runs out and the sweeper takes the job back. A job whose commit landed although
    its connection dropped stays done."""
    fields.setdefault("lease_until", None)
    for name, value in fields.items():
        setattr(job, name, value)
    for wait in (*RECORD_BACKOFF, None):
        try:
            type(job).objects.filter(pk=job.pk).exclude(status=JobStatus.DONE).update(
                **fields, updated_at=timezone.now()
            )
            return
        except (OperationalError, InterfaceError):
            connection.close()
            if wait is None:
                raise
            time.sleep(wait)


def sweep() -> int:
    """Send again every job the database says is waiting and the broker may not hold; returns how many."""
    now = timezone.now()
    resend_before = now - timedelta(seconds=settings.JOB_RESEND_SECONDS)
    sent = 0
    for model in JOB_MODELS:
        # The worker died: the job goes back to the queue, saying it was interrupted.
        model.objects.filter(status=JobStatus.RUNNING, lease_until__lt=now).update(
            status=JobStatus.QUEUED, lease_until=None, sent_at=None
        )
        waiting = model.objects.filter(status=JobStatus.QUEUED).filter(
            Q(sent_at__isnull=True) | Q(sent_at__lt=resend_before)
        )
        for job in waiting:
            sent += send(job)
    return sent
