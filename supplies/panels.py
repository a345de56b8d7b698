"""The home page's to-do lines about supplies: open alerts by kind and census returns waiting."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.registry import HomeItem

from .choices import AlertKind, ReturnStatus
from .models import CensusReturn, SupplyAlert


def home_items(user) -> list[HomeItem]:
    """Open alerts by kind and census returns waiting, in the user's scope: two grouped queries."""
    items = []
    alerts = SupplyAlert.objects.visible_to(user).open().values_list("kind").annotate(n=Count("id")).order_by()
    url = reverse("supplies:supplyalert_list")
    for kind, n in sorted(alerts):
        items.append(
            HomeItem(
                _("物资预警：%(k)s") % {"k": AlertKind(kind).label},
                n,
                f"{url}?kind={kind}&open=1",
                "danger" if kind in (AlertKind.EXPIRED, AlertKind.BELOW_STANDARD) else "warning",
            )
        )
    waiting = (
        CensusReturn.objects.visible_to(user)
        .filter(status=ReturnStatus.PENDING, census__status="open", census__deadline__gte=timezone.localdate())
        .count()
    )
    items.append(
        HomeItem(_("物资普查待确认单位"), waiting, reverse("supplies:censusreturn_list") + "?status=pending", "info")
    )
    return items
