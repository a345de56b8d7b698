"""The years and days a record or a page's query may name, one range for all: a value outside it
is a form error (a 400 page for a query), never a date Python or PostgreSQL cannot hold."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

FIRST_YEAR, LAST_YEAR = 1949, 2100


def check_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("年份应在 %(a)d—%(b)d 之间") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    return year


def check_day(day: datetime.date) -> datetime.date:
    check_year(day.year)
    return day


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _lazy("年度"))
        super().__init__(*args, validators=[check_year], **kwargs)


class DayField(forms.DateField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, validators=[check_day], **kwargs)


def query_year(request, default: int) -> int:
    """?year= of a page, or `default`; out of range or not a year: 400."""
    if not request.GET.get("year"):
        return default
    field = YearField()
    try:
        return field.clean(request.GET["year"])
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from None
