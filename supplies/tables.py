"""Tables of the supplies lists; the first column of each links to the record's page."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable

from .choices import ALERT_BADGES, RETURN_BADGES, AlertKind
from .models import (
    CensusReturn,
    MaintenanceRecord,
    ReserveStandard,
    Stock,
    StockMovement,
    SupplyAlert,
    SupplyCensus,
    SupplyItem,
)


def _record_link(record) -> str:
    return record.get_absolute_url()


class SupplyItemTable(tables.Table):
    name = tables.Column(linkify=True)

    class Meta:
        model = SupplyItem
        fields = ["name", "spec", "category", "unit", "check_interval_days", "notes"]
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _lazy("目录中还没有物资")


class StockTable(RecordTable):
    item_name = tables.Column(
        verbose_name=_lazy("物资名称"),
        accessor="item__name",
        linkify=_record_link,
        order_by=("item__name", "item__spec"),
    )
    spec = tables.Column(verbose_name=_lazy("规格型号"), accessor="item__spec", orderable=False)
    category = tables.Column(verbose_name=_lazy("物资类别"), accessor="item__category", order_by=("item__category",))
    quantity = tables.Column(verbose_name=_lazy("数量"), attrs={"td": {"class": "text-end"}})
    status = tables.Column(verbose_name=_lazy("状态"), empty_values=(), orderable=False)

    class Meta(RecordTable.Meta):
        model = Stock
        fields = [
            "item_name",
            "spec",
            "category",
            "organization",
            "location",
            "batch",
            "quantity",
            "expires_on",
            "last_checked_on",
            "keeper",
            "status",
        ]

    def render_category(self, record):
        return record.item.get_category_display()

    def render_quantity(self, record):
        return f"{record.quantity}{record.item.unit}"

    def render_status(self, record):
        today = timezone.localdate()
        status = record.expiry_status(today)
        if status:
            return format_html(
                '<span class="badge text-bg-{}">{}</span>', ALERT_BADGES[status], AlertKind(status).label
            )
        if record.inspection_overdue(today):
            return format_html('<span class="badge text-bg-warning">{}</span>', _("检查逾期"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("正常"))


class MovementTable(RecordTable):
    happened_on = tables.Column(linkify=_record_link)
    kind = tables.Column(verbose_name=_lazy("类型"), accessor="direction", order_by=("kind",))
    item = tables.Column(verbose_name=_lazy("物资"), accessor="stock", order_by=("stock__item__name",))
    change = tables.Column(attrs={"td": {"class": "text-end"}})
    balance = tables.Column(attrs={"td": {"class": "text-end"}})
    counterpart = tables.Column(verbose_name=_lazy("调拨对方"), accessor="counterpart__organization", orderable=False)
    created_by = tables.Column(verbose_name=_lazy("经办人"), orderable=False)

    class Meta(RecordTable.Meta):
        model = StockMovement
        fields = [
            "happened_on",
            "kind",
            "item",
            "organization",
            "change",
            "balance",
            "counterpart",
            "reason",
            "created_by",
        ]

    def render_change(self, value):
        return f"+{value}" if value > 0 else str(value)

    def render_item(self, value):
        return str(value)


class MaintenanceTable(RecordTable):
    done_on = tables.Column(linkify=True)
    item = tables.Column(verbose_name=_lazy("物资"), accessor="stock", order_by=("stock__item__name",))

    class Meta(RecordTable.Meta):
        model = MaintenanceRecord
        fields = ["done_on", "kind", "item", "organization", "result", "done_by", "next_due_on"]

    def render_item(self, value):
        return str(value)


class ReserveStandardTable(RecordTable):
    item = tables.Column(linkify=_record_link, order_by=("item__name",))
    applies = tables.Column(verbose_name=_lazy("适用范围"), accessor="applies_to", orderable=False)

    class Meta(RecordTable.Meta):
        model = ReserveStandard
        fields = ["item", "minimum", "applies", "organization", "notes"]
        sequence = ["item", "minimum", "applies", "organization", "notes"]

    def render_item(self, value):
        return str(value)


class AlertTable(RecordTable):
    kind = tables.Column(linkify=_record_link)
    item = tables.Column(order_by=("item__name",))
    stock = tables.Column(verbose_name=_lazy("存放地点"), accessor="stock__location", orderable=False)

    class Meta(RecordTable.Meta):
        model = SupplyAlert
        fields = ["kind", "item", "organization", "stock", "detail", "due_on", "raised_on", "resolved_on"]

    def render_kind(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', ALERT_BADGES[record.kind], value)

    def render_item(self, value):
        return str(value)


class CensusTable(RecordTable):
    title = tables.Column(linkify=True)
    units = tables.Column(verbose_name=_lazy("应确认单位数"))
    answered = tables.Column(verbose_name=_lazy("已确认单位数"))

    class Meta(RecordTable.Meta):
        model = SupplyCensus
        fields = ["title", "organization", "opened_on", "deadline", "status", "units", "answered"]


class CensusReturnTable(RecordTable):
    organization = tables.Column(verbose_name=_lazy("单位"), linkify=_record_link, order_by=("organization__path",))
    census = tables.Column(order_by=("census__opened_on",))

    class Meta(RecordTable.Meta):
        model = CensusReturn
        fields = ["organization", "census", "status", "lines", "corrections", "confirmed_on", "confirmed_by"]

    def render_status(self, record, value):
        return format_html('<span class="badge text-bg-{}">{}</span>', RETURN_BADGES[record.status], value)

    def render_census(self, value):
        return str(value)
