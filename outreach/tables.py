"""Tables of the outreach lists; the first column links to the record's page."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordTable

from .models import COUNTS, OutreachCampaign, OutreachEvent


class CampaignTable(RecordTable):
    name = tables.Column(linkify=True)
    plan = tables.Column(orderable=False)
    event_count = tables.Column(verbose_name=_lazy("活动次数"))

    class Meta(RecordTable.Meta):
        model = OutreachCampaign
        fields = ["name", "organization", "starts_on", "ends_on", "theme", "plan", "event_count"]


class EventTable(RecordTable):
    name = tables.Column(linkify=True)
    topics = tables.Column(orderable=False)

    class Meta(RecordTable.Meta):
        model = OutreachEvent
        fields = [
            "name",
            "organization",
            "held_on",
            "form",
            "topics",
            *COUNTS,
        ]

    def render_topics(self, record):
        return record.get_topics_display()
