"""Tables of the hazard area: the first column links to the record."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable

from .choices import STATUS_BADGES
from .models import Hazard, HazardNotice, InspectionCampaign, local_today


def status_badge(hazard: Hazard, today=None) -> str:
    badge = format_html(
        '<span class="badge text-bg-{}">{}</span>',
        STATUS_BADGES.get(hazard.status, "secondary"),
        hazard.get_status_display(),
    )
    if hazard.is_overdue_on(today or local_today()):
        badge += format_html(' <span class="badge text-bg-danger">{}</span>', _("逾期"))
    return badge


class InspectionCampaignTable(RecordTable):
    title = tables.Column(linkify=True)
    organization = tables.Column(verbose_name=_lazy("组织单位"), order_by=("organization__path",))
    hazard_count = tables.Column(verbose_name=_lazy("发现隐患"), attrs={"td": {"class": "text-end"}})

    class Meta(RecordTable.Meta):
        model = InspectionCampaign
        fields = ["title", "organization", "kind", "focus_period", "start_date", "end_date", "hazard_count"]
        order_by = "-start_date"


class HazardTable(RecordTable):
    description = tables.Column(linkify=True)
    status = tables.Column(verbose_name=_lazy("状态"))

    class Meta(RecordTable.Meta):
        model = Hazard
        fields = ["description", "organization", "category", "level", "found_on", "deadline", "status", "campaign"]
        order_by = ("-found_on",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = local_today()

    def render_status(self, record):
        return status_badge(record, self.today)

    def value_status(self, record):
        late = "（逾期）" if record.is_overdue_on(self.today) else ""
        return f"{record.get_status_display()}{late}"


class SupervisionTable(HazardTable):
    supervision_count = tables.Column(verbose_name=_lazy("已督办次数"), attrs={"td": {"class": "text-end"}})

    class Meta(HazardTable.Meta):
        fields = [*HazardTable.Meta.fields, "supervision_count"]
        sequence = ("description", "...")


class HazardNoticeTable(RecordTable):
    hazard = tables.Column(verbose_name=_lazy("隐患"), linkify=lambda record: record.hazard.get_absolute_url())
    organization = tables.Column(verbose_name=_lazy("责任单位"), order_by=("organization__path",))
    acknowledged_at = tables.Column(verbose_name=_lazy("签收"))

    class Meta(RecordTable.Meta):
        model = HazardNotice
        fields = ["hazard", "organization", "kind", "text", "issuer", "respond_by", "created_at", "acknowledged_at"]
        order_by = ("-created_at",)

    def render_acknowledged_at(self, value, record):
        return format_html('<span class="badge text-bg-success">{}</span>', _("已签收"))

    def value_acknowledged_at(self, value):
        return value

    def value_text(self, value):
        return value

    def render_text(self, value):
        return value if len(value) <= 60 else value[:59] + "…"
