"""Tables of the duty lists; the first column links to the record."""

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable

from .choices import ReportStage, Timeliness
from .models import DutyLog, DutyShift, Incident


class DutyShiftTable(RecordTable):
    date = tables.DateColumn(linkify=True, format="DATE_FORMAT")
    leader = tables.Column(verbose_name=_lazy("带班领导"), accessor="leader__name", order_by=("leader__name",))
    status = tables.Column(verbose_name=_lazy("状态"), empty_values=(), orderable=False)

    class Meta(RecordTable.Meta):
        model = DutyShift
        fields = ["date", "shift", "organization", "leader", "officer_1", "officer_2", "phone"]
        order_by = "-date"

    def render_status(self, record):
        if record.is_covered:
            return format_html('<span class="badge text-bg-success">{}</span>', _("有效"))
        return format_html('<span class="badge text-bg-danger">{}</span>', _("带班领导不是当日领导小组成员"))

    def value_status(self, record):
        return str(_("有效")) if record.is_covered else str(_("带班领导不是当日领导小组成员"))


class DutyLogTable(RecordTable):
    received_at = tables.DateTimeColumn(linkify=True, format="DATETIME_FORMAT")
    shift = tables.Column(verbose_name=_lazy("班次"), order_by=("shift__date", "shift__shift"))
    content = tables.Column(verbose_name=_lazy("内容"))

    class Meta(RecordTable.Meta):
        model = DutyLog
        fields = ["received_at", "kind", "organization", "shift", "source", "content"]
        order_by = "-received_at"

    def value_received_at(self, value):
        # A linked column exports its rendered text; give the export the local time itself.
        return timezone.localtime(value)

    def render_content(self, value):
        return value if len(value) <= 40 else value[:40] + "…"


class IncidentTable(RecordTable):
    title = tables.Column(linkify=True)
    occurred_at = tables.DateTimeColumn(format="DATETIME_FORMAT")
    known_at = tables.DateTimeColumn(format="DATETIME_FORMAT")
    timeliness = tables.Column(verbose_name=_lazy("报送时效"), accessor="timeliness_value", orderable=False)
    last_stage = tables.Column(verbose_name=_lazy("最新报告"), orderable=False)

    class Meta(RecordTable.Meta):
        model = Incident
        fields = [
            "title",
            "organization",
            "incident_type",
            "level",
            "occurred_at",
            "known_at",
            "deaths",
            "injuries",
            "timeliness",
            "last_stage",
        ]
        order_by = "-occurred_at"

    def render_timeliness(self, value):
        state = Timeliness(value)
        return format_html('<span class="badge text-bg-{}">{}</span>', state.badge, state.label)

    def value_timeliness(self, value):
        return str(Timeliness(value).label)

    def render_last_stage(self, value):
        return ReportStage(value).label

    def value_last_stage(self, value):
        return str(ReportStage(value).label) if value else ""
