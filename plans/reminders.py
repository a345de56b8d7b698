"""Reminders about plans: a plan in force whose revision date comes within REVIEW_WARNING_DAYS
(the unit that keeps it, once per revision date), and one whose date has passed."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.models import Role
from emergency.notifications import Reminder, about_each
from emergency.text import chinese_date

from .models import REVIEW_WARNING_DAYS, EmergencyPlan, due_on, overdue_on

KEEPERS = (Role.SCHOOL_OFFICER, Role.STAFF)


def said(plan: EmergencyPlan) -> dict:
    return {"p": plan.name[:60], "when": chinese_date(plan.next_revision_on)}


def revision_coming(day: datetime.date):
    return about_each(
        EmergencyPlan.objects.filter(due_on(day)),
        lambda p: f"plan:{p.pk}:due:{p.next_revision_on}",
        lambda p: _("应急预案《%(p)s》应于%(when)s前修订，请及时组织评估修订") % said(p),
        KEEPERS,
    )


def revision_late(day: datetime.date):
    return about_each(
        EmergencyPlan.objects.filter(overdue_on(day)),
        lambda p: f"plan:{p.pk}:late:{p.next_revision_on}",
        lambda p: _("应急预案《%(p)s》已超过修订期限（%(when)s），请尽快修订") % said(p),
        KEEPERS,
    )


def timing() -> str:
    return _("修订期限前%(days)d天提醒一次，超过修订期限再提醒一次") % {"days": REVIEW_WARNING_DAYS}


REVISION_COMING = Reminder("plan_revision_coming", _lazy("预案修订期限将到"), revision_coming, timing)
REVISION_LATE = Reminder("plan_revision_late", _lazy("预案超过修订期限"), revision_late, timing)
