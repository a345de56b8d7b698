"""Filters of the duty lists: year, organisation subtree and free text from RecordFilterSet, plus
each list's own choices."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet

from .choices import IncidentLevel, IncidentType, LogKind, ShiftKind, Timeliness
from .models import DutyLog, DutyShift, Incident, IncidentReport


class DutyShiftFilter(RecordFilterSet):
    date_field = "date"
    search_fields = ("leader__name", "officer_1", "officer_2")
    shift = django_filters.ChoiceFilter(label=_lazy("班次"), choices=ShiftKind.choices)
    month = django_filters.NumberFilter(label=_lazy("月份"), field_name="date", lookup_expr="month")

    class Meta:
        model = DutyShift
        fields = ["shift"]


class DutyLogFilter(RecordFilterSet):
    date_field = "received_at"
    search_fields = ("content", "source", "handling")
    kind = django_filters.ChoiceFilter(label=_lazy("类别"), choices=LogKind.choices)

    class Meta:
        model = DutyLog
        fields = ["kind"]


class IncidentFilter(RecordFilterSet):
    date_field = "occurred_at"
    search_fields = ("title", "place", "description")
    incident_type = django_filters.ChoiceFilter(label=_lazy("事件类型"), choices=IncidentType.choices)
    level = django_filters.ChoiceFilter(label=_lazy("事件等级"), choices=IncidentLevel.choices)
    timeliness = django_filters.ChoiceFilter(
        label=_lazy("报送时效"), choices=Timeliness.choices, field_name="timeliness_value"
    )
    receipt = django_filters.ChoiceFilter(
        label=_lazy("签收"), choices=[("pending", _lazy("本单位待签收"))], method="filter_receipt"
    )

    class Meta:
        model = Incident
        fields = ["incident_type", "level"]

    def filter_receipt(self, queryset, name, value):
        """Incidents of units below with a report that no one at the user's own bureau has signed."""
        own = self.request.user.organization_id
        if own is None:
            return queryset.none()
        unsigned = IncidentReport.objects.filter(incident=OuterRef("pk")).exclude(receipts__organization_id=own)
        return queryset.exclude(organization_id=own).filter(Exists(unsigned))
