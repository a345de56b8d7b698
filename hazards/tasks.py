"""The daily job of the hazard area: mark hazards that have passed their deadline and remind the
organisation responsible, once per deadline. Running it twice on a day changes nothing."""

from __future__ import annotations

import datetime

import pghistory
from celery import shared_task
from django.db import models, transaction
from django.db.models import Exists, ExpressionWrapper, F, OuterRef, Value
from django.utils.translation import gettext as _

from .choices import NoticeKind
from .models import Hazard, HazardNotice, local_today


def mark_overdue(today: datetime.date | None = None) -> dict[str, int]:
    """Mark newly overdue hazards, unmark those whose deadline was moved, add missing reminders.

    Every step selects only rows still to be changed, so a second run finds nothing to do; the
    reminders' unique constraint keeps two concurrent runs from adding one twice."""
    today = today or local_today()
    with transaction.atomic(), pghistory.context(source="job:hazards.mark_overdue"):
        overdue = Hazard.objects.overdue(today)
        marked = overdue.filter(overdue_since__isnull=True).update(
            # The first day past the deadline, whatever day the job happens to run.
            overdue_since=ExpressionWrapper(F("deadline") + Value(1), output_field=models.DateField())
        )
        unmarked = (
            Hazard.objects.still_open()
            .filter(overdue_since__isnull=False)
            .exclude(pk__in=overdue.values("pk"))
            .update(overdue_since=None)
        )
        reminded = HazardNotice.objects.filter(
            hazard=OuterRef("pk"), kind=NoticeKind.REMINDER, for_deadline=OuterRef("deadline")
        )
        missing = overdue.filter(~Exists(reminded)).values_list("pk", "organization_id", "deadline", "description")
        notices = [
            HazardNotice(
                hazard_id=pk,
                organization_id=org_id,
                kind=NoticeKind.REMINDER,
                for_deadline=deadline,
                text=_("隐患“%(d)s”的整改期限为%(t)s，已逾期，请尽快完成整改并提交复查。")
                % {"d": description[:60], "t": f"{deadline.year}年{deadline.month}月{deadline.day}日"},
            )
            for pk, org_id, deadline, description in missing
        ]
        created = HazardNotice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=2000)
    return {"marked": marked, "unmarked": unmarked, "reminders": len(created)}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def mark_overdue_hazards() -> dict[str, int]:
    return mark_overdue()
