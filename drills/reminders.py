"""Reminders about drills: from the 20th of a month, a school that has not yet held the drills its
requirement asks for in the month (or, in a quarter's last month, the quarter) hears of it once,
while there is still time to hold them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.models import Organization, Role
from emergency.notifications import Notice, Reminder

from .choices import RequirementPeriod
from .compliance import Compliance, Window, compliance


def remind_from_day() -> int:
    return getattr(settings, "DRILL_REMIND_FROM_DAY", 20)


def periods_closing(day: datetime.date) -> list[tuple[Window, str]]:
    """The requirement periods that end with this month: the month, and the quarter in its last month."""
    month = day.replace(day=1)
    closing = [(Window.of_months(month, month), RequirementPeriod.MONTH)]
    if month.month % 3 == 0:
        closing.append((Window.of_months(month.replace(month=month.month - 2), month), RequirementPeriod.QUARTER))
    return closing


def drills_missing(day: datetime.date):
    if day.day < remind_from_day():
        return
    for root in Organization.objects.filter(parent__isnull=True):
        for window, period in periods_closing(day):
            judged = compliance(root, window, schools=True)
            periods = {r.stage: r.period for r in judged.requirements}
            behind = [row for row in judged.schools if row.behind and periods.get(row.stage) == period]
            schools = Organization.objects.in_bulk([row.org_id for row in behind])
            for row in behind:
                yield notice_for(judged, window, row, schools[row.org_id])


def notice_for(judged: Compliance, window: Window, row, school: Organization) -> Notice:
    said = {"w": window.label(), "n": row.held, "rule": judged.requirement_text(row)}
    return Notice(
        unit=school,
        key=f"drills:missing:{school.pk}:{window.first:%Y-%m}:{window.last:%Y-%m}",
        text=_("%(w)s已开展符合要求的演练%(n)d次，未达到“%(rule)s”的要求，请在期末前组织开展") % said,
        url=reverse("drills:drill_add"),
        roles=(Role.SCHOOL_OFFICER, Role.STAFF),
    )


def timing() -> str:
    return _("每月%(d)d日起，提醒本月（每季度最后一个月提醒本季度）尚未达到演练要求的学校") % {"d": remind_from_day()}


MISSING = Reminder("drills_missing", _lazy("演练未达要求"), drills_missing, timing)
