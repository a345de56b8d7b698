"""Which years have records, and the year (or month) a page opens on: the latest that has records,
never later than today, so a database holding only 2008 opens on 2008. Used by the dashboard, the
drill compliance report, the duty roster and the summary form.

The span is read in one query from the first and last date of each area's dated records
(`registry.register_dated`): every such date field is indexed, so each probe is one index step
whatever the number of rows. Dates after today (rosters planned ahead) do not count."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import DateTimeField, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import registry


@dataclass(frozen=True)
class RecordSpan:
    """The first and last day that records are dated, up to today (None when there are none)."""

    first: datetime.date | None
    last: datetime.date | None
    today: datetime.date

    @property
    def latest_year(self) -> int:
        return self.last.year if self.last else self.today.year

    @property
    def latest_month(self) -> datetime.date:
        """The first day of the latest month that has records (this month when there are none)."""
        return (self.last or self.today).replace(day=1)

    @property
    def years(self) -> list[int]:
        """The current year and every year from the last with records to the first, the latest first
        (the years between the last records and today have none: a demo of 2008 offers 2026, 2008)."""
        if self.first is None:
            return [self.today.year]
        span = range(self.last.year, self.first.year - 1, -1)
        return ([self.today.year] if self.today.year not in span else []) + list(span)


def _probe(model, date_field: str, today: datetime.date, descending: bool):
    """The first (or last) day of `model`'s records up to today, as a subquery reading one index entry."""
    field = model._meta.get_field(date_field)
    if isinstance(field, DateTimeField):
        tomorrow = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time()))
        day = TruncDate(date_field)
    else:
        tomorrow, day = today + datetime.timedelta(days=1), F(date_field)
    order = f"-{date_field}" if descending else date_field
    rows = model._base_manager.filter(**{f"{date_field}__lt": tomorrow}).order_by(order).values_list(day)[:1]
    return rows.query.get_compiler(connection=connection).as_sql()


@functools.lru_cache(maxsize=1)
def _span_query(today: datetime.date) -> tuple[str, list]:
    """The statement for `today`, compiled once a day: compiling its querysets cost more than running it."""
    probes = [_probe(m, f, today, descending) for m, f in registry.dated_records for descending in (False, True)]
    sql = "SELECT " + ", ".join(f"({part})" for part, _params in probes)
    return sql, [p for _part, values in probes for p in values]


def record_span() -> RecordSpan:
    today = timezone.localdate()
    if not registry.dated_records:
        return RecordSpan(None, None, today)
    sql, params = _span_query(today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosec B608: the parts are compiled querysets, the values parameters
        days = cursor.fetchone()
    firsts, lasts = [d for d in days[0::2] if d], [d for d in days[1::2] if d]
    return RecordSpan(min(firsts, default=None), max(lasts, default=None), today)
