"""Reminders about duty: the day before a shift, the unit keeping the roster hears who is on it
(带班领导 and the two officers are names on the roster, not accounts, so the unit's staff pass it on)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.models import Role
from emergency.notifications import Notice, Reminder, notify
from emergency.text import chinese_date

from .models import DutyShift


def shifts_tomorrow(day: datetime.date):
    tomorrow = day + datetime.timedelta(days=1)
    roster = reverse("duty:roster_month")
    shifts = DutyShift.objects.filter(date=tomorrow).select_related("organization", "leader").order_by("shift")
    for shift in shifts:
        said = {
            "day": chinese_date(tomorrow),
            "shift": shift.get_shift_display(),
            "leader": shift.leader.name if shift.leader else _("未排"),
            "a": shift.officer_1,
            "b": shift.officer_2,
        }
        query = urlencode({"org": shift.organization.code, "month": f"{tomorrow:%Y-%m}"})
        yield Notice(
            unit=shift.organization,
            key=f"duty:shift:{shift.pk}:{tomorrow}",
            text=_("明天（%(day)s）%(shift)s值班：带班领导%(leader)s，值班人员%(a)s、%(b)s") % said,
            url=f"{roster}?{query}",
            roles=(Role.STAFF, Role.SCHOOL_OFFICER),
        )


def report_filed(incident, report) -> None:
    """The unit above hears at once of each report a unit files (初报, 续报, 终报), to sign it."""
    parent = incident.organization.parent
    if parent is None:
        return
    said = {"unit": incident.organization.name, "t": incident.title[:60], "stage": report.get_stage_display()}
    notify(
        "incident_report",
        [
            Notice(
                unit=parent,
                key=f"incident:{incident.pk}:report:{report.pk}",
                text=_("%(unit)s报送突发事件“%(t)s”%(stage)s，请及时签收") % said,
                url=incident.get_absolute_url(),
                roles=(Role.STAFF,),
            )
        ],
    )


def timing() -> str:
    return _("每天早上提醒次日的值班安排（带班领导和值班人员）")


SHIFTS_TOMORROW = Reminder("duty_shift_tomorrow", _lazy("明日值班"), shifts_tomorrow, timing)
