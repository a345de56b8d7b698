"""Small makers for the supplies tests."""

from __future__ import annotations

import datetime

from supplies.models import ReserveStandard, Stock, SupplyItem


def make_item(name="干粉灭火器", category="fire", spec="MFZ/ABC4", unit="具", interval=None) -> SupplyItem:
    item, _ = SupplyItem.objects.get_or_create(
        name=name, spec=spec, defaults={"category": category, "unit": unit, "check_interval_days": interval or 0}
    )
    return item


def make_stock(org, item=None, quantity=10, location="教学楼", **fields) -> Stock:
    fields.setdefault("last_checked_on", datetime.date.today())
    return Stock.objects.create(
        organization=org, item=item or make_item(), location=location, quantity=quantity, **fields
    )


def make_standard(setter, item, minimum, **fields) -> ReserveStandard:
    return ReserveStandard.objects.create(organization=setter, item=item, minimum=minimum, **fields)
