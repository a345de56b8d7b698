"""The same import confirmed twice at once: one write wins, nothing is doubled, the other is told in
Chinese that the data changed after the preview. Real threads, each with its own connection."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from emergency import registry
from emergency.imports import ImportConflict, apply, validate
from emergency.models import ImportJob, JobStatus, Organization
from emergency.tasks import run_apply, start_import
from tests.factories import workbook

from .conftest import FIGURES
from .make_bad_uploads import clean_file
from .records import good_base
from .state import record_counts

KINDS = sorted(registry.import_specs)
ROWS = 20
CONFLICT = "数据在预览后已被修改"


def at_once(*jobs) -> list[str]:
    """Run the callables in threads released together; each outcome is 'ok' or the error's text."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            job()
            outcomes[i] = "ok"
        except ImportConflict as exc:
            outcomes[i] = str(exc)
        except Exception as exc:  # noqa: BLE001  (any other failure is reported as the outcome)
            outcomes[i] = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()  # each thread's own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_import_confirmed_twice_at_once_writes_once(kind, transactional_db, personas):
    spec = registry.import_specs[kind]
    user = personas.district_staff
    code, variant = good_base(spec, user)
    data = clean_file(spec, today=timezone.localdate(), own_code=code, variant=variant, count=ROWS)
    first, second = (validate(spec, f"{kind}.xlsx", data, user) for _ in range(2))
    assert first.ok and second.ok and len(first.to_add) == len(second.to_add) == ROWS
    before = spec.model._default_manager.count()

    outcomes = at_once(
        lambda: apply(spec, first, user, source="test:first"), lambda: apply(spec, second, user, source="test:second")
    )

    written = spec.model._default_manager.count() - before
    FIGURES["concurrent confirmations (kinds)"] += 1
    FIGURES["rows doubled by concurrent confirmations (must be 0)"] += written - ROWS
    assert written == ROWS, outcomes
    assert sorted(outcomes, key=lambda o: o != "ok") == ["ok", outcomes[1 - outcomes.index("ok")]]
    assert CONFLICT in [o for o in outcomes if o != "ok"][0], outcomes


def test_two_uploads_of_one_file_confirmed_at_once(transactional_db, personas, settings, tmp_path):
    """Through the jobs the upload page makes: both confirmed together, the rows are there once, and
    each job says what it did (written, or nothing written because the data changed)."""
    settings.MEDIA_ROOT = tmp_path
    spec = registry.import_specs["orgs"]
    user = personas.district_staff
    data = workbook(
        [c.header for c in spec.columns],
        [[f"SA{n:02d}", f"A区第{n}小学", "DA", "学校", "小学", "", "", "", 100, 10] for n in range(10, 10 + ROWS)],
        title=spec.sheet_name,
    )
    jobs = [start_import(spec, user, "orgs.xlsx", data) for _ in range(2)]
    assert [j.status for j in jobs] == [JobStatus.READY] * 2
    before = record_counts()

    outcomes = at_once(*(lambda job=job: run_apply(job) for job in jobs))

    assert outcomes == ["ok", "ok"]
    assert Organization.objects.filter(code__startswith="SA", parent__code="DA").count() == 2 + ROWS
    statuses = sorted(
        ((j.status, j.message) for j in ImportJob.objects.filter(pk__in=[j.pk for j in jobs])),
        key=lambda s: f"新增 {ROWS} 行" not in s[1],
    )
    assert statuses[0][0] == JobStatus.DONE and f"新增 {ROWS} 行" in statuses[0][1], statuses
    # The other lost the race at the write (ImportConflict) or at its fresh validation: either way it
    # says in Chinese that the data changed after the preview and nothing was written; or it ran
    # after the winner and found nothing new.
    loser_status, loser_message = statuses[1]
    assert (
        loser_status == JobStatus.FAILED and "数据在预览后" in loser_message and "未写入任何数据" in loser_message
    ) or (loser_status == JobStatus.DONE and "新增 0 行" in loser_message), statuses
    inserted = sum(record_counts().values()) - sum(before.values())
    assert inserted == 2 * ROWS  # the organisations and one history event each, once


def test_two_validations_of_organisations_do_not_mix(personas):
    """A validation is what the preview showed; validating another file (another user's, in another
    request thread) before this one is confirmed must not change what this one writes. The
    organisation kind keeps the last validation's visible organisations on the shared spec object."""
    spec = registry.import_specs["orgs"]
    headers = [c.header for c in spec.columns]
    mine = validate(
        spec, "a.xlsx", workbook(headers, [["SA9", "A区第九小学", "DA", "学校", "小学"]]), personas.district_staff
    )
    assert mine.ok
    validate(spec, "b.xlsx", workbook(headers, [["SB9", "B区第九小学", "DB", "学校", "小学"]]), personas.officer_b)
    apply(spec, mine, personas.district_staff, source="test")
    assert Organization.objects.get(code="SA9").path == "/C/DA/SA9/"
