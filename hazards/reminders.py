"""Reminders about hazards: a deadline coming (the unit that rectifies), a deadline passed (the
same), and hazards long overdue (the unit above, once a week, one line for its whole area)."""

from __future__ import annotations

import datetime
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.models import Organization, Role
from emergency.notifications import Notice, Reminder, about_each
from emergency.registry import organisation_filter
from emergency.text import chinese_date

from .models import Hazard, overdue_on

ACTING = (Role.SCHOOL_OFFICER, Role.STAFF)


def soon_days() -> int:
    return getattr(settings, "HAZARD_REMIND_DAYS_BEFORE", 3)


def escalate_days() -> int:
    return getattr(settings, "HAZARD_ESCALATE_AFTER_DAYS", 7)


def named(hazard: Hazard) -> dict:
    return {"d": hazard.description[:40], "when": chinese_date(hazard.deadline)}


def deadline_coming(day: datetime.date):
    coming = Hazard.objects.still_open().filter(deadline__gte=day, deadline__lte=day + datetime.timedelta(soon_days()))
    return about_each(
        coming,
        lambda h: f"hazard:{h.pk}:due:{h.deadline}",
        lambda h: _("隐患“%(d)s”的整改期限是%(when)s，请按期整改") % named(h),
        ACTING,
    )


def deadline_passed(day: datetime.date):
    return about_each(
        Hazard.objects.overdue(day),
        lambda h: f"hazard:{h.pk}:overdue:{h.deadline}",
        lambda h: _("隐患“%(d)s”已超过整改期限（%(when)s），请尽快整改") % named(h),
        ACTING,
    )


def long_overdue(day: datetime.date):
    """One line a week to each unit directly above a unit with hazards overdue for more than
    HAZARD_ESCALATE_AFTER_DAYS and still open, counting its whole area (a district with 300 schools
    gets one line); the line opens the list filtered the same way."""
    since = day - datetime.timedelta(escalate_days())
    late = Hazard.objects.still_open().filter(overdue_on(since)).values_list("organization__parent", flat=True)
    counts = Counter(parent for parent in late if parent is not None)
    week = day.isocalendar()
    for unit in Organization.objects.filter(pk__in=counts):
        query = urlencode({**organisation_filter(unit), "below": "true", "still_open": "true", "overdue_on": since})
        said = {"n": counts[unit.pk], "days": escalate_days()}
        yield Notice(
            unit=unit,
            key=f"hazards:escalated:{unit.pk}:{week.year}-W{week.week}",
            text=_("所属单位有%(n)d个隐患逾期超过%(days)d天仍未整改，请督促整改") % said,
            url=f"{reverse('hazards:hazard_list')}?{query}",
            roles=(Role.STAFF,),
        )


def timing() -> str:
    return _("整改期限前%(soon)d天起提醒整改单位；逾期当天再提醒；逾期超过%(late)d天每周告知上级单位") % {
        "soon": soon_days(),
        "late": escalate_days(),
    }


DEADLINE_COMING = Reminder("hazard_deadline_coming", _lazy("隐患整改期限将到"), deadline_coming, timing)
DEADLINE_PASSED = Reminder("hazard_deadline_passed", _lazy("隐患逾期未整改"), deadline_passed, timing)
LONG_OVERDUE = Reminder("hazard_long_overdue", _lazy("下级单位隐患长期逾期"), long_overdue, timing)
