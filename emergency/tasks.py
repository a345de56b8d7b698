"""Import jobs: validation and the write, in the request for small files and in Celery for large
ones. Each step records its state on the ImportJob row, so a page reload or a restarted worker
finds it where it was; running a step twice does no harm."""

from __future__ import annotations

import logging
from functools import partial

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import cache, compiler, jobs, notifications, official_document, registry
from .imports import ImportConflict, ImportSpec, Validation, apply, validate
from .models import ImportJob, JobStatus, SummaryRun, User
from .storage import StorageUnavailable

logger = logging.getLogger(__name__)

# A job keeps this many of a file's errors to show; the page says how many there were.
MAX_ERRORS_KEPT = 500


def start_import(spec: ImportSpec, user: User, name: str, data: bytes) -> ImportJob:
    """Keep the upload and validate it: a large file by a worker, a small one in the request. Raises
    StorageUnavailable, keeping nothing, when the media directory takes no more."""
    background = _data_rows_estimate(len(data)) > settings.IMPORT_BACKGROUND_ROWS
    job = ImportJob(
        organization=user.organization,
        kind=spec.kind,
        original_name=name[:255],
        created_by=user,
        updated_by=user,
        status=JobStatus.QUEUED if background else JobStatus.RUNNING,
    )
    # The file first, outside the row's save: a refused write leaves no row and no broken transaction.
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    run_step(job)
    return job


def _data_rows_estimate(size: int) -> int:
    # Worth a background job when the file is big; about 60 bytes a row in a packed xlsx.
    return size // 60


def confirm_import(job: ImportJob) -> None:
    """Inside the confirming request's transaction, with the job locked: mark it confirmed; the
    caller then runs its step (run_step)."""
    job.confirmed_at = timezone.now()
    _restart(job, background=job.total_rows > settings.IMPORT_BACKGROUND_ROWS)


def retry_import(job: ImportJob) -> None:
    """As confirm_import, for a step that failed for a reason not the file's: it starts again."""
    rows = job.total_rows if job.confirmed_at else _data_rows_estimate(job.file.size)
    _restart(job, background=rows > settings.IMPORT_BACKGROUND_ROWS)


def _restart(job: ImportJob, background: bool) -> None:
    job.status = JobStatus.QUEUED if background else JobStatus.RUNNING
    job.progress, job.attempts, job.message = 0, 0, ""
    job.save(update_fields=["confirmed_at", "status", "progress", "attempts", "message", "updated_at"])


def run_step(job: ImportJob) -> None:
    """Do the job's next step: send it to a worker once committed (a large file), or do it here."""
    if job.status == JobStatus.QUEUED:
        jobs.send_on_commit(job)
    elif job.confirmed_at:
        run_apply(job)
    else:
        run_validation(job)


def run_validation(job: ImportJob) -> Validation:
    spec = registry.import_specs[job.kind]
    job.status, job.progress = JobStatus.RUNNING, 0
    job.save(update_fields=["status", "progress", "updated_at"])

    def progress(percent: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=percent)

    with job.file.open("rb") as f:
        data = f.read()
    result = validate(spec, job.original_name, data, job.created_by, progress)
    job.total_rows = len(result.rows)
    job.errors = result.errors[:MAX_ERRORS_KEPT]
    job.to_add, job.to_update, job.unchanged = len(result.to_add), len(result.to_update), result.unchanged
    job.preview = result.summary(spec)
    if len(result.errors) > MAX_ERRORS_KEPT:
        job.message = _("共 %(n)d 个错误，只显示前 %(kept)d 个") % {"n": len(result.errors), "kept": MAX_ERRORS_KEPT}
    job.status = JobStatus.READY if result.ok else JobStatus.FAILED
    job.progress, job.lease_until = 100, None
    job.save()
    return result


def run_apply(job: ImportJob) -> None:
    """Validate again against the database as it is now, then write everything or nothing."""
    spec = registry.import_specs[job.kind]
    try:
        with job.file.open("rb") as f:
            data = f.read()
        result = validate(spec, job.original_name, data, job.created_by)
        if not result.ok:
            jobs.record(
                job,
                status=JobStatus.FAILED,
                progress=100,
                errors=result.errors[:MAX_ERRORS_KEPT],
                message=_("数据在预览后发生了变化，本次未写入任何数据"),
            )
            return
        with transaction.atomic():
            apply(spec, result, job.created_by, source=f"import:{job.kind}:{job.pk}")
            # Recorded with the rows, so the counts are those of the run that committed them.
            job.status, job.applied_at, job.progress, job.lease_until = JobStatus.DONE, timezone.now(), 100, None
            job.to_add, job.to_update, job.unchanged = len(result.to_add), len(result.to_update), result.unchanged
            job.message = _("已写入：新增 %(a)d 行，更新 %(u)d 行，无变化 %(n)d 行") % {
                "a": job.to_add,
                "u": job.to_update,
                "n": job.unchanged,
            }
            job.save()
    except ImportConflict as exc:
        jobs.record(job, status=JobStatus.FAILED, progress=100, message=str(exc))
    except (OperationalError, InterfaceError):
        # The server restarted or dropped us mid-write: the transaction is gone with the
        # connection, so nothing was written. Reconnect to say so.
        connection.close()
        jobs.record(
            job,
            status=JobStatus.FAILED,
            progress=100,
            message=_("写入时数据库连接中断，本次未写入任何数据，请稍后重试"),
        )


@shared_task(acks_late=True, reject_on_worker_lost=True)
def validate_import(job_id: int) -> None:
    job = jobs.claim(ImportJob.objects.all(), job_id, validate_import.name)
    if job is None:
        return
    with jobs.holding_lease(job):
        try:
            run_validation(job)
        except (OperationalError, InterfaceError):
            connection.close()
            jobs.record(
                job, status=JobStatus.FAILED, progress=100, message=_("校验时数据库连接中断，未写入任何数据，请重试")
            )
    notifications.job_finished(job)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_import(job_id: int) -> None:
    job = jobs.claim(ImportJob.objects.all(), job_id, apply_import.name)
    if job is not None:
        with jobs.holding_lease(job):
            run_apply(job)
        notifications.job_finished(job)


# ---- the annual summary -------------------------------------------------------------------------


def start_summary(org, year: int, user, notice: str = "", with_outlook: bool = True) -> SummaryRun:
    """Record the request and send the job once the request's transaction has committed."""
    run = SummaryRun.objects.create(
        organization=org,
        year=year,
        notice=notice,
        with_outlook=with_outlook,
        created_by=user,
        updated_by=user,
        status=JobStatus.QUEUED,
    )
    jobs.send_on_commit(run)
    return run


def run_summary(run: SummaryRun) -> None:
    """Compile every section and store figures, narrative and workbook. Writing everything again
    from the records makes a second run of the same job harmless."""

    def progress(percent: int) -> None:
        SummaryRun.objects.filter(pk=run.pk).update(progress=percent)

    org, year = run.organization, run.year
    run.started_at = timezone.now()
    parts = compiler.compile_sections(org, year, progress)
    run.figures = compiler.figures_of(parts)
    run.checks = compiler.consistency_checks(parts)
    run.narrative = compiler.narrative(org, year, parts, run.notice, run.with_outlook)
    progress(80)
    run.workbook.save(f"{org.code}-{year}.xlsx", compiler.workbook_file(org, year, parts, run.figures), save=False)
    run.status, run.progress, run.finished_at, run.lease_until = JobStatus.DONE, 100, timezone.now(), None
    run.save()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def compile_summary(run_id: int) -> None:
    run = jobs.claim(SummaryRun.objects.select_related("organization"), run_id, compile_summary.name)
    if run is None:
        return
    try:
        with jobs.holding_lease(run):
            try:
                run_summary(run)
            except (OperationalError, InterfaceError):
                # The database went away: back to the queue, for the sweeper to send again (attempts bound it).
                connection.close()
                jobs.record(run, status=JobStatus.QUEUED, sent_at=None)
            except StorageUnavailable as exc:
                jobs.record(run, status=JobStatus.FAILED, error=str(exc))
            except Exception as exc:
                jobs.record(run, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
                raise
    finally:
        notifications.job_finished(run)


def queue_summary_pdf(run: SummaryRun) -> None:
    """Send the PDF's rendering once the finalising transaction has committed. A broker that is
    down loses only the PDF, which the page then offers to render again: the finalising stands."""
    transaction.on_commit(partial(render_summary_pdf.delay, run.pk), robust=True)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_summary_pdf(run_id: int) -> bool:
    """The finalised Word file of a summary as a PDF, rendered by LibreOffice where the worker has
    it (optional: without it the Word file is the document). Safe to run twice: the same file
    gives the same PDF, and a run that has one is left alone."""
    run = SummaryRun.objects.filter(pk=run_id, finalized_at__isnull=False).first()
    if run is None or run.pdf or not run.document:
        return bool(run and run.pdf)
    with run.document.open("rb") as f:
        docx = f.read()
    try:
        content = official_document.pdf_document(docx)
    except official_document.OfficeUnavailable:
        logger.warning("summary %s: no PDF, LibreOffice is not installed on this worker", run_id)
        return False
    run.pdf.save(f"{run.organization.code}-{run.year}.pdf", ContentFile(content), save=False)
    SummaryRun.objects.filter(pk=run.pk, pdf="").update(pdf=run.pdf.name)
    return True


@shared_task
def sweep_jobs() -> int:
    """Send again the imports and summaries that the broker may have lost (beat, twice a lease)."""
    return jobs.sweep()


@shared_task
def refresh_figures(name: str, key: str, args: list, language: str) -> None:
    """Build a dashboard's panels or to-do lines again after a write (emergency/cache.py); a lost
    refresh costs nothing but staleness until the next view queues another."""
    with translation.override(language):
        cache.refresh(name, key, args)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_messages() -> dict[str, int]:
    """Send the deliveries that are due (after a reminder run, and every minute on the beat for the
    retries and for those a dead worker left): safe side by side, each row is leased to one."""
    return notifications.deliver_pending()


@shared_task
def send_reminders() -> int:
    """The day's reminders (beat, every morning); running it again the same day makes nothing new."""
    return len(notifications.send_reminders())


@shared_task
def purge_messages() -> int:
    return notifications.purge_old_messages()
