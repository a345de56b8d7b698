"""The home panel: what a user should look at next about duty and incidents, in three queries.

Bureaus above a unit are notified of its incident reports until someone there signs them (签收),
with late reports called out; everyone sees incidents whose 初报 is overdue; an organisation that
keeps a roster sees the gaps in its next seven days."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from emergency.registry import HomeItem

from . import conf, coverage
from .choices import Timeliness
from .models import DutyShift, Incident, IncidentReport

LOOKAHEAD_DAYS = 7


def home_items(user) -> list[HomeItem]:
    if not user.is_authenticated:
        return []
    incidents_url = reverse("duty:incident_list")
    own = user.organization_id
    incidents = Incident.objects.visible_to(user).with_timeliness()
    measures = {"overdue": Count("pk", filter=Q(timeliness_value=Timeliness.OVERDUE))}
    if own is not None:
        unsigned = IncidentReport.objects.filter(incident=OuterRef("pk")).exclude(receipts__organization_id=own)
        below = ~Q(organization_id=own) & Q(Exists(unsigned))
        measures["unsigned"] = Count("pk", filter=below)
        measures["late_unsigned"] = Count("pk", filter=below & Q(timeliness_value=Timeliness.LATE))
    counts = incidents.aggregate(**measures)
    items = []
    if counts.get("unsigned"):
        items.append(
            HomeItem(
                _("下级单位报送的突发事件信息待签收"),
                counts["unsigned"],
                f"{incidents_url}?receipt=pending",
                "danger" if counts["late_unsigned"] else "warning",
            )
        )
    if counts.get("late_unsigned"):
        items.append(
            HomeItem(
                _("其中迟报的突发事件"),
                counts["late_unsigned"],
                f"{incidents_url}?receipt=pending&timeliness=late",
                "danger",
            )
        )
    if counts["overdue"]:
        items.append(
            HomeItem(_("逾期未初报的突发事件"), counts["overdue"], f"{incidents_url}?timeliness=overdue", "danger")
        )
    if own is not None and DutyShift.objects.write_refusal(user) is None:
        gap = upcoming_gap_hours(user.organization)
        if gap:
            query = urlencode({"org": user.organization.code, "month": f"{timezone.localdate():%Y-%m}"})
            items.append(
                HomeItem(_("本单位未来7天值班空档（小时）"), gap, f"{reverse('duty:roster_month')}?{query}", "warning")
            )
    return items


def upcoming_gap_hours(org) -> int:
    """Hours from now to the end of the seventh duty day with no leader or fewer than two
    officers, for an organisation that keeps a roster (any shift in the last 60 days or ahead)."""
    today = timezone.localdate()
    last = today + datetime.timedelta(days=LOOKAHEAD_DAYS - 1)
    shifts = list(
        DutyShift.objects.filter(
            organization=org, date__gte=today - datetime.timedelta(days=60), date__lte=last
        ).select_related("leader")
    )
    if not shifts:
        return 0
    # From now (a night shift of yesterday may still be on) to the end of the seventh duty day.
    end = conf.duty_day_start(last + datetime.timedelta(days=1))
    recent = (coverage.ShiftSpan.of(s) for s in shifts if s.date >= today - datetime.timedelta(days=1))
    return round(coverage.check_spans(recent, timezone.now(), end).gap_hours)
