"""The home page's to-do lines about hazards: what each level must do next, as of now."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from emergency import registry
from emergency.models import Organization
from emergency.registry import HomeItem, Period, organisation_filter

from .choices import HazardLevel, HazardStatus, NoticeKind
from .models import Hazard, HazardNotice, follows_units_below, is_owner_side


def home_items(user) -> list[HomeItem]:
    """What needs doing about hazards as of now: the school's open hazards and notices, the upper
    levels' re-inspections and major hazards, and the dashboard's overdue figure. Two aggregate
    queries; each line's list holds exactly the records it counts."""
    org = user.organization or Organization.objects.filter(parent__isnull=True).order_by("code").first()
    if not user.is_authenticated or org is None:
        return []
    overdue, period = registry.figures["hazards_overdue"], Period.now()
    own, still_open = Q(organization=org), ~Q(status=HazardStatus.CLOSED)
    counts = Hazard.objects.in_subtree(org).aggregate(
        own_open=Count("id", filter=own & still_open),
        review=Count("id", filter=~own & Q(status=HazardStatus.REVIEW)),
        major=Count("id", filter=~own & still_open & Q(level=HazardLevel.MAJOR)),
        overdue=overdue.measure(org, period),
    )
    hazards = reverse("hazards:hazard_list")
    mine = urlencode({**organisation_filter(org), "below": "false"})
    theirs = urlencode({**organisation_filter(org), "below": "true"})
    items = []
    if user.organization is not None and is_owner_side(user, user.organization):
        notices = HazardNotice.objects.filter(organization=org).still_open()
        n = notices.aggregate(
            supervision=Count("id", filter=Q(kind=NoticeKind.SUPERVISION)),
            reminders=Count("id", filter=Q(kind=NoticeKind.REMINDER)),
        )
        notice_url = reverse("hazards:hazardnotice_list") + f"?{mine}&still_open=true"
        items += [
            HomeItem(_("督办通知待签收"), n["supervision"], notice_url + "&kind=supervision", "danger"),
            HomeItem(_("隐患逾期提醒"), n["reminders"], notice_url + "&kind=reminder", "warning"),
            HomeItem(_("本单位未销号隐患"), counts["own_open"], f"{hazards}?{mine}&still_open=true"),
        ]
    items.append(HomeItem(overdue.name, counts["overdue"], overdue.url(org, period), "danger"))
    if follows_units_below(user, org):
        items += [
            HomeItem(
                _("下级单位待复查隐患"), counts["review"], f"{hazards}?{theirs}&status={HazardStatus.REVIEW}", "info"
            ),
            HomeItem(
                _("辖区未销号重大隐患"),
                counts["major"],
                f"{hazards}?{theirs}&still_open=true&level={HazardLevel.MAJOR}",
                "danger",
            ),
        ]
    return items
