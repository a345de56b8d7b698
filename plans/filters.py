import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from emergency.generic import RecordFilterSet
from emergency.models import OrganizationKind

from .choices import EventType, PlanLevel
from .models import BUREAU_KINDS, REVIEW_WARNING_DAYS, EmergencyPlan, due_on, flagged_on, in_force_on, overdue_on

REVISION_CHOICES = [
    ("due", lazy(lambda: _("%(d)d天内到期") % {"d": REVIEW_WARNING_DAYS}, str)()),
    ("overdue", _lazy("已逾期未修订")),
    ("flagged", _lazy("演练发现问题需修订")),
]


class EmergencyPlanFilter(RecordFilterSet):
    date_field = "issued_on"
    search_fields = ("name", "remarks")

    level = django_filters.ChoiceFilter(label=_lazy("预案层级"), choices=PlanLevel.choices, method="filter_level")
    event_type = django_filters.ChoiceFilter(label=_lazy("事件类型"), choices=EventType.choices, method="filter_event")
    revision = django_filters.ChoiceFilter(label=_lazy("修订提醒"), choices=REVISION_CHOICES, method="filter_revision")
    # The figures as of a day (plans.summary.FIGURES): each list opens exactly what its figure counts.
    in_force_on = django_filters.DateFilter(label=_lazy("某日现行"), method="filter_on")
    overdue_on = django_filters.DateFilter(label=_lazy("某日逾期未修订"), method="filter_on")
    due_on = django_filters.DateFilter(
        label=lazy(lambda: _("自某日起%(d)d天内到期") % {"d": REVIEW_WARNING_DAYS}, str)(), method="filter_on"
    )
    flagged_on = django_filters.DateFilter(label=_lazy("某日演练发现问题需修订"), method="filter_on")

    class Meta:
        model = EmergencyPlan
        fields = ["category", "status"]

    def filter_level(self, queryset, name, value):
        if value == PlanLevel.BUREAU:
            return queryset.filter(organization__kind__in=BUREAU_KINDS)
        return queryset.filter(organization__kind=OrganizationKind.SCHOOL)

    def filter_event(self, queryset, name, value):
        return queryset.filter(event_types__contains=[value])

    def filter_on(self, queryset, name, value):
        condition = {"in_force_on": in_force_on, "overdue_on": overdue_on, "due_on": due_on, "flagged_on": flagged_on}
        return queryset.filter(condition[name](value))

    def filter_revision(self, queryset, name, value):
        today = timezone.localdate()
        if value == "due":
            return queryset.due_for_revision(today)
        if value == "overdue":
            return queryset.overdue(today)
        return queryset.in_force().filter(Q(needs_revision=True))
