"""Filters of the outreach lists."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet

from .choices import OutreachForm, Topic
from .models import OutreachCampaign, OutreachEvent


class CampaignFilter(RecordFilterSet):
    date_field = "starts_on"
    search_fields = ("name", "theme")

    class Meta:
        model = OutreachCampaign
        fields = []


class EventFilter(RecordFilterSet):
    date_field = "held_on"
    search_fields = ("name", "notes")
    form = django_filters.ChoiceFilter(label=_lazy("活动形式"), choices=OutreachForm.choices)
    topic = django_filters.ChoiceFilter(label=_lazy("宣传主题"), choices=Topic.choices, method="filter_topic")

    class Meta:
        model = OutreachEvent
        fields = ["form"]

    def filter_topic(self, queryset, name, value):
        return queryset.filter(topics__contains=[value])
