"""The home page's to-do lines about drills: scheduled drills not yet held."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.registry import HomeItem

from .models import ScheduledSchool, drill_held


def home_items(user) -> list[HomeItem]:
    """Scheduled drills in the user's scope not yet held: open now or coming within 30 days, and
    this year's whose window has passed. One aggregate query."""
    if not user.sees_everything and user.organization_id is None:
        return []
    today = timezone.localdate()
    targets = ScheduledSchool.objects.all()
    if not user.sees_everything:
        targets = targets.filter(organization__path__startswith=user.organization.path)
    counts = targets.filter(~Exists(drill_held(OuterRef("organization"), "schedule__"))).aggregate(
        open=Count(
            "pk", filter=Q(schedule__deadline__gte=today, schedule__planned_on__lte=today + datetime.timedelta(30))
        ),
        late=Count("pk", filter=Q(schedule__deadline__lt=today, schedule__deadline__gte=today.replace(month=1, day=1))),
    )
    url = reverse("drills:drillschedule_list")
    return [
        HomeItem(_("演练安排中逾期未开展（本年度）"), counts["late"], f"{url}?year={today.year}", "danger"),
        HomeItem(_("近期待开展的演练安排"), counts["open"], url, "info"),
    ]
