"""Import jobs: validation and the write, in the request for small files and in Celery for large
ones. Each step records its state on the ImportJob row, so a page reload or a restarted worker
finds it where it was; running a step twice does no harm."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from . import cache, compiler, registry
from .imports import ImportConflict, ImportSpec, Validation, apply, validate
from .models import ImportJob, JobStatus, SummaryRun, User


def start_import(spec: ImportSpec, user: User, name: str, data: bytes) -> ImportJob:
    job = ImportJob.objects.create(
        organization=user.organization,
        kind=spec.kind,
        original_name=name[:255],
        file=ContentFile(data, name=name),
        created_by=user,
        updated_by=user,
    )
    if _data_rows_estimate(data) > settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: validate_import.delay(job.pk))
    else:
        run_validation(job)
    return job


def _data_rows_estimate(data: bytes) -> int:
    # Worth a background job when the file is big; about 60 bytes a row in a packed xlsx.
    return len(data) // 60


def run_validation(job: ImportJob) -> Validation:
    spec = registry.import_specs[job.kind]
    job.status, job.progress = JobStatus.RUNNING, 0
    job.save(update_fields=["status", "progress", "updated_at"])

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    with job.file.open("rb") as f:
        data = f.read()
    result = validate(spec, job.original_name, data, job.created_by, progress)
    job.total_rows = len(result.rows) if result.ok else max(len(result.rows), 0)
    job.errors = result.errors[:500]
    job.to_add, job.to_update, job.unchanged = len(result.to_add), len(result.to_update), result.unchanged
    job.preview = result.summary(spec)
    if len(result.errors) > 500:
        job.message = _("共 %(n)d 个错误，只显示前 500 个") % {"n": len(result.errors)}
    job.status = JobStatus.READY if result.ok else JobStatus.FAILED
    job.progress = 100
    job.save()
    return result


def confirm_import(job: ImportJob) -> None:
    if job.total_rows > settings.IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: apply_import.delay(job.pk))
    else:
        run_apply(job)


def run_apply(job: ImportJob) -> None:
    """Validate again against the database as it is now, then write everything or nothing."""
    spec = registry.import_specs[job.kind]
    with job.file.open("rb") as f:
        data = f.read()
    result = validate(spec, job.original_name, data, job.created_by)
    if not result.ok:
        job.status, job.errors = JobStatus.FAILED, result.errors[:500]
        job.message = _("数据在预览后发生了变化，本次未写入任何数据")
        job.save()
        return
    try:
        apply(spec, result, job.created_by, source=f"import:{job.kind}:{job.pk}")
    except ImportConflict as exc:
        job.status, job.message = JobStatus.FAILED, str(exc)
    except (OperationalError, InterfaceError):
        # The server restarted or dropped us mid-write: the transaction is gone with the
        # connection, so nothing was written. Reconnect to say so.
        connection.close()
        job.status = JobStatus.FAILED
        job.message = _("写入时数据库连接中断，本次未写入任何数据，请稍后重试")
    else:
        job.status, job.applied_at = JobStatus.DONE, timezone.now()
        job.to_add, job.to_update, job.unchanged = len(result.to_add), len(result.to_update), result.unchanged
        job.message = _("已写入：新增 %(a)d 行，更新 %(u)d 行，无变化 %(n)d 行") % {
            "a": job.to_add,
            "u": job.to_update,
            "n": job.unchanged,
        }
    job.progress = 100
    job.save()


def _claim(job_id: int, expected: str) -> ImportJob | None:
    """Take the job if it is still waiting for this step; a redelivered task finds it taken."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if (
            job is None
            or job.status not in (JobStatus.QUEUED, JobStatus.RUNNING)
            or (expected == "apply" and job.applied_at is not None)
        ):
            return None
        return job


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=3)
def validate_import(job_id: int) -> None:
    job = _claim(job_id, "validate")
    if job is not None and job.total_rows == 0 and not job.preview:
        run_validation(job)


@shared_task(acks_late=True, reject_on_worker_lost=True, max_retries=3)
def apply_import(job_id: int) -> None:
    job = _claim(job_id, "apply")
    if job is not None:
        run_apply(job)


# ---- the annual summary -------------------------------------------------------------------------

MAX_SUMMARY_ATTEMPTS = 3


def start_summary(org, year: int, user, notice: str = "") -> SummaryRun:
    """Record the request and queue the job once the request's transaction has committed."""
    run = SummaryRun.objects.create(
        organization=org, year=year, notice=notice, created_by=user, updated_by=user, status=JobStatus.QUEUED
    )
    transaction.on_commit(lambda: queue_summary(run))
    return run


def queue_summary(run: SummaryRun) -> None:
    """Send the job; when the broker is down the run stays queued and says so, to be sent again."""
    try:
        compile_summary.apply_async(args=[run.pk], retry=False)
    except BrokerUnavailable as exc:
        SummaryRun.objects.filter(pk=run.pk).update(
            error=_("任务队列暂时不可用（%(e)s），已保留请求，队列恢复后将自动编制") % {"e": type(exc).__name__}
        )


def _claim_run(run_id: int) -> SummaryRun | None:
    """Take a queued run, or one whose worker died mid-way (delivered again); never a finished one."""
    with transaction.atomic():
        run = SummaryRun.objects.select_for_update().select_related("organization").filter(pk=run_id).first()
        if run is None or run.status not in (JobStatus.QUEUED, JobStatus.RUNNING) or run.is_final:
            return None
        run.attempts += 1
        if run.attempts > MAX_SUMMARY_ATTEMPTS:
            run.status, run.error = JobStatus.FAILED, _("编制多次中断，已停止，请重新编制")
            run.save(update_fields=["status", "error", "attempts", "updated_at"])
            return None
        run.status, run.progress, run.error, run.started_at = JobStatus.RUNNING, 0, "", timezone.now()
        run.save(update_fields=["status", "progress", "error", "attempts", "started_at", "updated_at"])
        return run


def run_summary(run: SummaryRun) -> None:
    """Compile every section and store figures, narrative and workbook. Writing everything again
    from the records makes a second run of the same job harmless."""

    def progress(percent: int) -> None:
        SummaryRun.objects.filter(pk=run.pk).update(progress=percent)

    org, year = run.organization, run.year
    parts = compiler.compile_sections(org, year, progress)
    run.figures = compiler.figures_of(parts)
    run.checks = compiler.consistency_checks(parts)
    run.narrative = compiler.narrative(org, year, parts, run.notice)
    progress(80)
    run.workbook.save(f"{org.code}-{year}.xlsx", compiler.workbook_file(org, year, parts, run.figures), save=False)
    run.status, run.progress, run.finished_at = JobStatus.DONE, 100, timezone.now()
    run.save()


@shared_task(
    acks_late=True, reject_on_worker_lost=True, autoretry_for=(OperationalError,), max_retries=3, retry_backoff=True
)
def compile_summary(run_id: int) -> None:
    run = _claim_run(run_id)
    if run is None:
        return
    try:
        run_summary(run)
    except OperationalError:
        raise  # the database went away: Celery retries, a bounded number of times
    except Exception as exc:
        SummaryRun.objects.filter(pk=run.pk).update(status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task
def requeue_waiting_summaries() -> int:
    """Send again the runs whose request came while the queue was down (beat, every minute)."""
    waiting = SummaryRun.objects.filter(status=JobStatus.QUEUED, attempts=0).exclude(error="")
    count = 0
    for run in waiting:
        SummaryRun.objects.filter(pk=run.pk).update(error="")
        queue_summary(run)
        count += 1
    return count


@shared_task
def refresh_figures(name: str, key: str, args: list, language: str) -> None:
    """Build a dashboard's panels or to-do lines again after a write (emergency/cache.py); a lost
    refresh costs nothing but staleness until the next view queues another."""
    with translation.override(language):
        cache.refresh(name, key, args)
