"""Filters of the supplies lists: every list also filters by organisation subtree (RecordFilterSet)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet

from .choices import AlertKind, MovementKind, ReturnStatus, SupplyCategory
from .models import (
    CensusReturn,
    MaintenanceRecord,
    ReserveStandard,
    Stock,
    StockMovement,
    SupplyAlert,
    SupplyCensus,
    SupplyItem,
    alert_open_on,
    expired_on,
)

STOCK_STATUS = [
    ("expired", _lazy("已过期")),
    ("expiring", _lazy("即将过期")),
    ("empty", _lazy("数量为0")),
]


class SupplyItemFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(label=_lazy("物资类别"), choices=SupplyCategory.choices)
    q = django_filters.CharFilter(label=_lazy("关键字"), method="filter_text")

    class Meta:
        model = SupplyItem
        fields = ["category"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(spec__icontains=value))


class StockFilter(RecordFilterSet):
    search_fields = ("item__name", "item__spec", "location", "keeper")
    category = django_filters.ChoiceFilter(
        label=_lazy("物资类别"), choices=SupplyCategory.choices, field_name="item__category"
    )
    status = django_filters.ChoiceFilter(label=_lazy("状态"), choices=STOCK_STATUS, method="filter_status")
    # The figures as of a day (supplies.summary.FIGURES): the quantity held then, not today's.
    held_on = django_filters.DateFilter(label=_lazy("某日有库存"), method="filter_held_on")
    expired_on = django_filters.DateFilter(label=_lazy("某日已过期"), method="filter_expired_on")

    class Meta:
        model = Stock
        fields = ["category"]

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "expired":
            return queryset.expired(today)
        if value == "expiring":
            return queryset.expiring(today)
        return queryset.filter(quantity=0)

    def filter_held_on(self, queryset, name, value):
        return queryset.held_on(value).filter(held__gt=0)

    def filter_expired_on(self, queryset, name, value):
        return queryset.held_on(value).filter(expired_on(value))


class MovementFilter(RecordFilterSet):
    date_field = "happened_on"
    search_fields = ("stock__item__name", "reason")

    class Meta:
        model = StockMovement
        fields = ["kind"]

    kind = django_filters.ChoiceFilter(label=_lazy("类型"), choices=MovementKind.choices)


class MaintenanceFilter(RecordFilterSet):
    date_field = "done_on"
    search_fields = ("stock__item__name", "done_by", "notes")

    class Meta:
        model = MaintenanceRecord
        fields = ["kind", "result"]


class ReserveStandardFilter(RecordFilterSet):
    search_fields = ("item__name",)

    class Meta:
        model = ReserveStandard
        fields = ["stage"]


class AlertFilter(RecordFilterSet):
    date_field = "raised_on"
    search_fields = ("item__name", "detail")
    kind = django_filters.ChoiceFilter(label=_lazy("预警类型"), choices=AlertKind.choices)
    open = django_filters.ChoiceFilter(
        label=_lazy("是否解除"),
        choices=[("1", _lazy("未解除")), ("0", _lazy("已解除"))],
        method="filter_open",
        empty_label=_lazy("全部"),
    )
    open_on = django_filters.DateFilter(label=_lazy("某日未解除"), method="filter_open_on")

    class Meta:
        model = SupplyAlert
        fields = ["kind"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(resolved_on__isnull=value == "1")

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(alert_open_on(value))


class CensusFilter(RecordFilterSet):
    date_field = "opened_on"
    search_fields = ("title",)

    class Meta:
        model = SupplyCensus
        fields = ["status"]


class CensusReturnFilter(RecordFilterSet):
    search_fields = ("organization__name", "census__title")
    status = django_filters.ChoiceFilter(label=_lazy("状态"), choices=ReturnStatus.choices)
    # Set by the link from a census page; a number is nothing to choose from by hand.
    census = django_filters.NumberFilter(label=_lazy("物资普查"), field_name="census_id", widget=forms.HiddenInput)

    class Meta:
        model = CensusReturn
        fields = ["status"]
