"""Dates as the pages write them: month and day within the current year, the full date otherwise
(a receipt of 2008 must not read as this year's)."""

import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter(expects_localtime=True)
def day(value: datetime.date | None) -> str:
    """`{{ when|day }}`: 12月2日 this year, 2008年12月2日 another year."""
    if not value:
        return ""
    this_year = value.year == timezone.localdate().year
    return formats.date_format(value, "MONTH_DAY_FORMAT" if this_year else "DATE_FORMAT")
