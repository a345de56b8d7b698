"""Reminders about supplies: each alert the nightly job raises (expiring, expired, below the
reserve standard, inspection overdue) reaches the unit that keeps the stock, once."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.models import Role
from emergency.notifications import Reminder, about_each

from .models import SupplyAlert


def open_alerts(day: datetime.date):
    return about_each(
        SupplyAlert.objects.open().filter(raised_on__lte=day).select_related("item"),
        lambda a: f"supply-alert:{a.pk}",
        lambda a: _("物资预警（%(k)s）：%(i)s，%(d)s") % {"k": a.get_kind_display(), "i": a.item, "d": a.detail},
        (Role.SCHOOL_OFFICER, Role.STAFF),
    )


def timing() -> str:
    return _("每天夜间生成物资预警后，次日早上告知物资所在单位，每条预警一次")


ALERTS = Reminder("supply_alert", _lazy("物资预警"), open_alerts, timing)
