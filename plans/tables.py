import django_tables2 as tables
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable

from .choices import STATUS_BADGES, EventType
from .models import EmergencyPlan

EVENT_LABELS = dict(EventType.choices)


class EmergencyPlanTable(RecordTable):
    name = tables.Column(linkify=True)
    event_types = tables.Column(orderable=False)
    next_revision_on = tables.Column()
    status = tables.Column()

    class Meta(RecordTable.Meta):
        model = EmergencyPlan
        fields = [
            "name",
            "organization",
            "category",
            "event_types",
            "version",
            "issued_on",
            "next_revision_on",
            "status",
        ]

    def render_event_types(self, value):
        return "、".join(str(EVENT_LABELS.get(v, v)) for v in value)

    def render_next_revision_on(self, value, record):
        text = formats.date_format(value)
        if record.overdue:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', text, _("已逾期"))
        if record.review_due:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', text, _("即将到期"))
        return text

    def render_status(self, value, record):
        flag = (
            format_html(' <span class="badge text-bg-warning">{}</span>', _("需修订")) if record.needs_revision else ""
        )
        return format_html(
            '<span class="badge text-bg-{}">{}</span>{}', STATUS_BADGES.get(record.status, "light"), value, flag
        )


class EmergencyPlanReviewTable(EmergencyPlanTable):
    """The revision reminder: how many days are left (negative: late)."""

    days_left = tables.Column(verbose_name=_lazy("距修订日期（天）"), accessor="next_revision_on", orderable=False)

    class Meta(EmergencyPlanTable.Meta):
        fields = ["name", "organization", "category", "version", "issued_on", "next_revision_on", "days_left", "status"]
        order_by = "next_revision_on"

    def render_days_left(self, value):
        return (value - timezone.localdate()).days
