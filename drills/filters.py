import django_filters
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet

from .models import Drill, DrillSchedule


class DrillFilter(RecordFilterSet):
    date_field = "held_on"
    search_fields = ("name", "problems_found", "remarks")

    with_problems = django_filters.BooleanFilter(label=_lazy("发现问题"), method="filter_problems")

    class Meta:
        model = Drill
        fields = ["drill_type", "drill_form"]

    def filter_problems(self, queryset, name, value):
        return queryset.exclude(problems_found="") if value else queryset.filter(problems_found="")


class DrillScheduleFilter(RecordFilterSet):
    date_field = "planned_on"
    search_fields = ("title", "notes")

    class Meta:
        model = DrillSchedule
        fields = ["drill_type"]
